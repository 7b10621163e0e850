"""A check that a strategy's output at bar t depends only on bars up to t.

The backtest cannot stop a strategy from reading ``close[t + 1]`` out of the arrays it is given,
so this proves it instead: the targets computed on the first t + 1 candles must equal the first
t + 1 targets computed on all of them. A strategy that peeks changes its past answers when the
future is cut off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from fks.errors import BadRequest
from fks.strategies.base import Strategy
from fks.strategies.candles import CandlesLike, as_candles


class LookaheadDetected(BadRequest):
    """The strategy's output at some bar changed when later bars were removed."""


def check_causal(
    strategy: Strategy,
    candles: CandlesLike,
    params: Mapping[str, object] | None = None,
    cut_points: Sequence[int] | None = None,
) -> None:
    """Raise LookaheadDetected naming the first bar whose target used later data.

    ``cut_points`` are prefix lengths to try; by default eight spread over the series, which
    costs eight extra strategy runs.
    """
    data = as_candles(candles)
    full = strategy.target_positions(data, params)
    n = len(data)
    points = cut_points if cut_points is not None else np.unique(np.linspace(2, n, 8, dtype=np.int64)).tolist()
    for bars in points:
        prefix = strategy.target_positions(data.head(int(bars)), params)
        differs = ~np.isclose(prefix, full[: int(bars)], rtol=0.0, atol=1e-12)
        if differs.any():
            bar = int(np.argmax(differs))
            raise LookaheadDetected(
                f"strategy {strategy.name} looks ahead: its target at bar {bar} changes when only "
                f"{bars} bars are given",
                details={"bar": bar, "bars_given": int(bars)},
            )
