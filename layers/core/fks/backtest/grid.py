"""Parameter grids: every combination backtested on one candle set, indicators computed once."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from fks.backtest.config import BacktestConfig
from fks.backtest.engine import run_backtest
from fks.backtest.metrics import Metrics
from fks.errors import BadRequest
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import CandlesLike, as_candles


def grid_combinations(strategy: Strategy, grid: Mapping[str, Sequence[object]]) -> list[dict[str, object]]:
    """The cartesian product of the grid, in the grid's key order (last key varies fastest)."""
    if not grid:
        raise BadRequest("the parameter grid is empty")
    for name, values in grid.items():
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or len(values) == 0:
            raise BadRequest(f"grid values for {name!r} must be a non-empty list", details={"parameter": name})
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


def run_grid(
    candles: CandlesLike,
    strategy: Strategy,
    grid: Mapping[str, Sequence[object]],
    config: BacktestConfig | None = None,
    *,
    skip_invalid: bool = False,
) -> list[tuple[Params, Metrics]]:
    """Backtest every combination; returns (validated params, metrics) in combination order.

    Every combination is validated before any runs, so a bad grid fails fast. A combination
    breaking a rule between parameters (fast >= slow in an overlapping grid) raises BadRequest
    naming it, or is left out with ``skip_invalid``. Candles are validated once and each
    indicator is computed once per distinct argument (one SMA per window, not per pair); only
    metrics are kept, so memory stays at the candles plus the cached indicators.
    """
    data = as_candles(candles)
    runnable: list[Params] = []
    for combo in grid_combinations(strategy, grid):
        try:
            runnable.append(strategy.validate_params(combo))
        except BadRequest as error:
            if not skip_invalid or (set(combo) - {p.name for p in strategy.parameters}):
                raise BadRequest(
                    f"grid combination {combo} is invalid: {error.message}", details=error.details
                ) from error
    cache = IndicatorCache(data)
    return [(params, run_backtest(data, strategy, params, config, cache).metrics) for params in runnable]
