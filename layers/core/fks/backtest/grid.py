"""Parameter grids: every combination backtested on one candle set, indicators computed once."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

from fks.backtest.config import BacktestConfig
from fks.backtest.engine import backtest_metrics
from fks.backtest.metrics import Metrics
from fks.errors import BadRequest
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import CandlesLike, as_candles
from fks.strategies.registry import get_strategy


def grid_combinations(strategy: Strategy, grid: Mapping[str, Iterable[object]]) -> list[dict[str, object]]:
    """The cartesian product of the grid, in the grid's key order (last key varies fastest).

    Each value is checked against its declared parameter here, so an unknown name or an
    out-of-range value fails the whole grid; only rules between parameters are left to the
    combinations.
    """
    if not grid:
        raise BadRequest("the parameter grid is empty")
    axes: dict[str, list[object]] = {}
    for name, values in grid.items():
        parameter = strategy.parameter(name)
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            raise BadRequest(f"grid values for {name!r} must be a list", details={"parameter": name})
        axes[name] = [parameter.coerce(value) for value in values]
        if not axes[name]:
            raise BadRequest(f"grid values for {name!r} must be a non-empty list", details={"parameter": name})
    return [dict(zip(axes, combo, strict=True)) for combo in itertools.product(*axes.values())]


def run_grid(
    candles: CandlesLike,
    strategy: Strategy | str,
    grid: Mapping[str, Iterable[object]],
    config: BacktestConfig | None = None,
    *,
    skip_invalid: bool = False,
) -> list[tuple[Params, Metrics]]:
    """Backtest every combination; returns (validated params, metrics) in combination order.

    Every combination is validated before any runs, so a bad grid fails fast. A combination
    breaking a rule between parameters (fast >= slow in an overlapping grid) raises BadRequest
    naming it, or is left out with ``skip_invalid``; unknown names and out-of-range values
    always raise. Candles are validated once and each
    indicator is computed once per distinct argument (one SMA per window, not per pair); only
    metrics are kept, so memory stays at the candles plus the cached indicators.
    """
    strategy = get_strategy(strategy) if isinstance(strategy, str) else strategy
    data = as_candles(candles)
    runnable: list[Params] = []
    for combo in grid_combinations(strategy, grid):
        try:
            runnable.append(strategy.validate_params(combo))
        except BadRequest as error:
            if not skip_invalid:
                raise BadRequest(
                    f"grid combination {combo} is invalid: {error.message}", details=error.details
                ) from error
    cache = IndicatorCache(data)
    return [(params, backtest_metrics(data, strategy, params, config, cache)) for params in runnable]
