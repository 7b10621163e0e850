"""Lookahead and warm-up (recursive) analysis of a strategy, as ``fks strategy check`` runs them.

*Lookahead*: the targets computed on the first ``cut`` candles must equal the full run's targets up
to each cut. A strategy that reads a later bar changes its past answers when the future is cut off;
the finding is the earliest bar whose target changed, over all cuts tried.

*Warm-up*: live, a strategy is evaluated on a window of ``min_bars * LOOKBACK_FACTOR`` bars
(``fks.strategies.scheduled``), not on all history. Its targets must not depend on where history
starts once that window is full: recomputed from a later start, they must equal the full run's from
``start + warm`` on. A strategy seeded from the first bar (a running mean, an unbounded recursion)
answers differently live and in the backtest; the finding is the earliest bar that differed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from fks.strategies.base import Strategy
from fks.strategies.candles import Candles, FloatArray

DEFAULT_CUTS = 40
DEFAULT_STARTS = 8
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Finding:
    """The first bar at which a recomputed target differed from the full run's."""

    bar: int
    open_time: int
    full_target: float
    recomputed_target: float
    condition: str  # what the recomputation saw, e.g. "only 120 bars given"


def _first_difference(recomputed: FloatArray, full: FloatArray) -> int | None:
    differs = ~np.isclose(recomputed, full, rtol=0.0, atol=_TOLERANCE)
    return int(np.argmax(differs)) if differs.any() else None


def lookahead(
    strategy: Strategy, candles: Candles, params: Mapping[str, object], cuts: int = DEFAULT_CUTS
) -> Finding | None:
    """The earliest bar whose target changes when later bars are removed (None: causal)."""
    full = strategy.target_positions(candles, params)
    n = len(candles)
    first = min(strategy.min_bars(params), n)
    found: Finding | None = None
    for bars in np.unique(np.linspace(first, n, cuts, dtype=np.int64)).tolist():
        recomputed = strategy.target_positions(candles.head(bars), params)
        index = _first_difference(recomputed, full[:bars])
        if index is not None and (found is None or index < found.bar):
            found = Finding(index, int(candles.open_time[index]), float(full[index]), float(recomputed[index]),
                            f"only {bars} bars given")  # fmt: skip
    return found


def warm_up(
    strategy: Strategy, candles: Candles, params: Mapping[str, object], warm: int, starts: int = DEFAULT_STARTS
) -> Finding | None:
    """The earliest bar, ``warm`` bars or more after a later history start, whose target differs."""
    full = strategy.target_positions(candles, params)
    n = len(candles)
    last_start = n - warm - 1
    if last_start < 1:
        return None
    found: Finding | None = None
    for start in np.unique(np.linspace(1, last_start, starts, dtype=np.int64)).tolist():
        recomputed = strategy.target_positions(candles.from_bar(start), params)
        index = _first_difference(recomputed[warm:], full[start + warm :])
        if index is not None:
            bar = start + warm + index
            if found is None or bar < found.bar:
                found = Finding(bar, int(candles.open_time[bar]), float(full[bar]),
                                float(recomputed[warm + index]), f"history starting at bar {start}")  # fmt: skip
    return found
