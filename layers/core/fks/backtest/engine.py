"""The backtest: a strategy's targets, filled at the next bar's open, sized and accounted.

Float64 inside, Decimal out: see ``fks.backtest.money`` for where and why the boundary is.
There is no Python loop over bars or trades: position changes, stops, compounding (a cumulative
product over trades) and the equity curve are NumPy operations, which keeps a million-bar run
in tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from fks.backtest.config import BacktestConfig
from fks.backtest.fills import SIGNAL, Fills, extract_fills, held_exposure
from fks.backtest.metrics import compute_metrics
from fks.backtest.result import BacktestResult, TradeLog
from fks.errors import BadRequest
from fks.strategies.base import IndicatorCache, Strategy
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
    if not config.allow_short:
        targets = np.maximum(targets, 0.0)
    fills = extract_fills(data, held_exposure(targets), config)
    log, equity_before = _account(fills, config)
    equity = _equity_curve(data, log, equity_before, float(config.initial_cash))
    held_bars = log.fills.exit_bar - log.fills.entry_bar + (log.fills.exit_reason != SIGNAL)
    metrics = compute_metrics(
        equity,
        data.open_time,
        log.pnl,
        float(log.entry_fee.sum() + log.exit_fee.sum()),
        float(held_bars.sum()) / len(data),
        initial_cash=config.initial_cash,
        money_quantum=config.money_quantum,
        periods_per_year=config.periods_per_year,
    )
    return BacktestResult(strategy.name, validated, config, data.open_time, equity, log, metrics)


def _account(fills: Fills, config: BacktestConfig) -> tuple[TradeLog, FloatArray]:
    """Quantity, fees and net PnL per trade, and the equity each trade was sized from.

    Trades never overlap, so trade k is sized from the equity left by trades 0..k-1. With
    fraction sizing every cost scales with that equity, so trade k multiplies equity by a
    factor known in advance and the whole chain is one cumulative product. Once equity is
    gone (a short squeeze, a gap through a stop), no later trade can be sized: the log ends.
    """
    start = float(config.initial_cash)
    entry, exit_ = fills.entry_price, fills.exit_price
    entry_rate = config.taker_rate
    # Per unit of quantity: price move in the trade's favour, less both fees.
    net_per_unit = fills.side * (exit_ - entry) - entry * entry_rate - exit_ * fills.exit_fee_rate
    if config.sizing == "fraction":
        # Budget includes the entry fee, so a fraction of 1 spends exactly the equity.
        units_per_equity = float(config.fraction) * fills.size / (entry * (1.0 + entry_rate))
        growth = np.cumprod(1.0 + units_per_equity * net_per_unit)
        equity_before = start * np.concatenate(([1.0], growth[:-1]))
        quantity = units_per_equity * equity_before
    else:
        quantity = float(config.quantity or 0) * fills.size
        equity_before = start + np.concatenate(([0.0], np.cumsum(quantity * net_per_unit)[:-1]))
    broke = np.flatnonzero(equity_before <= 0.0)
    count = int(broke[0]) if broke.size else len(fills)
    log = TradeLog(
        fills=fills.head(count),
        quantity=quantity[:count],
        entry_fee=(quantity * entry * entry_rate)[:count],
        exit_fee=(quantity * exit_ * fills.exit_fee_rate)[:count],
        pnl=(quantity * net_per_unit)[:count],
    )
    return log, equity_before[:count]


def _equity_curve(candles: Candles, log: TradeLog, equity_before: FloatArray, start: float) -> FloatArray:
    """Equity at each bar's close: realised equity, plus the open trade marked at the close."""
    n = len(candles)
    if len(log) == 0:
        return np.full(n, start)
    fills = log.fills
    # Bar t belongs to the latest trade entered at or before it; that trade's constants are
    # laid out per bar with one repeat each (trades are contiguous runs of bars, so no search).
    first = int(fills.entry_bar[0])
    run = np.diff(np.append(fills.entry_bar, n))

    def per_bar(values: FloatArray, before_first: float) -> FloatArray:
        out = np.empty(n, dtype=np.float64)
        out[:first] = before_first
        out[first:] = np.repeat(values, run)
        return out

    # Marked equity is linear in the close within a trade: intercept + slope * close.
    slope = fills.side * log.quantity
    intercept = equity_before - log.entry_fee - slope * fills.entry_price
    open_now = np.arange(n) < per_bar(fills.exit_bar.astype(np.float64), 0.0)
    after_exit = per_bar(equity_before + log.pnl, start)  # realised once the trade has closed
    return np.where(open_now, per_bar(intercept, 0.0) + per_bar(slope, 0.0) * candles.close, after_exit)
