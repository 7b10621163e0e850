"""The backtest: a strategy's targets, filled at the next bar's open, sized and accounted.

The strategy computes its targets in NumPy; the bar loop that turns them into fills, trades and
the equity curve is the Rust execution core's (``fks.backtest.native``), so a backtest fills,
charges and books exactly as the paper venue and the live book do. Money is exact (Decimal) in
the trades and the money metrics; the equity curve and the ratio metrics are float64.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from fks.backtest.config import BacktestConfig
from fks.backtest.fills import SIGNAL
from fks.backtest.metrics import CurveSummary, Metrics, compute_metrics
from fks.backtest.native import run_bar_loop, run_bar_loop_summary
from fks.backtest.result import BacktestResult, TradeLog
from fks.errors import BadRequest
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import Candles, CandlesLike, FloatArray, as_candles
from fks.strategies.registry import get_strategy


def run_backtest(
    candles: CandlesLike,
    strategy: Strategy | str,
    params: Mapping[str, object] | None = None,
    config: BacktestConfig | None = None,
    cache: IndicatorCache | None = None,
) -> BacktestResult:
    """Backtest ``strategy`` (an instance or a registered name) with ``params`` on ``candles``
    (DataFrame, mapping of columns, or Candles).

    Raises BadRequest for invalid parameters and for data too short to warm up, signal and fill.
    Pass the same ``cache`` across runs on the same Candles to reuse indicators.
    """
    config = config or BacktestConfig()
    strategy, data, validated, targets = _targets(candles, strategy, params, cache)
    log, equity, curve = run_bar_loop(data, targets, config)
    metrics = _metrics(data, log, curve, config)
    return BacktestResult(strategy.name, validated, config, data.open_time, equity, log, metrics)


def backtest_metrics(
    candles: CandlesLike,
    strategy: Strategy | str,
    params: Mapping[str, object] | None = None,
    config: BacktestConfig | None = None,
    cache: IndicatorCache | None = None,
) -> Metrics:
    """``run_backtest(...).metrics`` without keeping the equity curve: what each cell of a grid or
    an optimisation needs."""
    config = config or BacktestConfig()
    _, data, _, targets = _targets(candles, strategy, params, cache)
    log, curve = run_bar_loop_summary(data, targets, config)
    return _metrics(data, log, curve, config)


def _targets(
    candles: CandlesLike,
    strategy: Strategy | str,
    params: Mapping[str, object] | None,
    cache: IndicatorCache | None,
) -> tuple[Strategy, Candles, Params, FloatArray]:
    strategy = get_strategy(strategy) if isinstance(strategy, str) else strategy
    data = as_candles(candles)
    validated = strategy.validate_params(params)
    needed = strategy.min_bars(validated)
    if len(data) == 0:
        raise BadRequest(
            f"no candles to backtest; {strategy.name} needs at least {needed} bars with these parameters",
            details={"min_bars": needed, "bars": 0},
        )
    if len(data) < needed:
        raise BadRequest(
            f"{strategy.name} needs at least {needed} bars with these parameters, got {len(data)}",
            details={"min_bars": needed, "bars": len(data)},
        )
    targets = strategy.target_positions(data, validated, cache if cache is not None else IndicatorCache(data))
    return strategy, data, validated, targets


def _metrics(data: Candles, log: TradeLog, curve: CurveSummary, config: BacktestConfig) -> Metrics:
    held_bars = log.fills.exit_bar - log.fills.entry_bar + (log.fills.exit_reason != SIGNAL)
    return compute_metrics(
        np.empty(0, dtype=np.float64),  # unread: the curve's summary is given
        data.open_time,
        log.pnl,
        float(log.entry_fee.sum() + log.exit_fee.sum()),
        float(held_bars.sum()) / len(data),
        initial_cash=config.initial_cash,
        money_quantum=config.money_quantum,
        periods_per_year=config.periods_per_year,
        final_equity=log.exact.final_equity,
        total_fees=log.exact.total_fees,
        curve=curve,
    )
