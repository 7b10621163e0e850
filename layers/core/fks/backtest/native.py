"""The backtest's bar loop, run by the Rust execution core through its Python bindings.

Strategies stay NumPy: they hand over a target per bar. ``fks_execution.simulate`` turns the
targets into fills and trades with the same fee, slippage and position arithmetic as the paper
venue and the live book, in exact decimals; it reads the candle columns in place and writes the
equity curve into an array allocated here. The trades come back as float64 columns (metrics,
plots, grids) and, on demand, as their exact decimals (``ExactTrades``).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from fks.backtest.config import BacktestConfig
from fks.backtest.fills import TAKE_PROFIT, Fills
from fks.backtest.metrics import CurveSummary, Drawdown
from fks.backtest.result import ExactTrades, TradeLog
from fks.strategies.candles import Candles, FloatArray

if TYPE_CHECKING:
    from fks_execution import Simulation


def core_config(config: BacktestConfig) -> str:
    """``config`` in the core's ``SimConfig`` JSON (decimals as strings)."""
    amount = {"fraction": config.fraction, "quantity": config.quantity, "quote": config.quote_amount}[config.sizing]

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    # The live-sizing fields only when set: the core reads their absence as their defaults.
    live_sizing: dict[str, object] = {}
    if config.size_at_signal_close:
        live_sizing["size_at_signal_close"] = True
    if config.quantity_step is not None:
        live_sizing["quantity_step"] = text(config.quantity_step)
    return json.dumps(
        {
            **live_sizing,
            "initial_cash": text(config.initial_cash),
            "maker_fee_bps": text(config.maker_fee_bps),
            "taker_fee_bps": text(config.taker_fee_bps),
            "slippage_bps": text(config.slippage_bps),
            "sizing": {config.sizing: text(amount)},
            "allow_short": config.allow_short,
            "stop_loss_pct": text(config.stop_loss_pct),
            "take_profit_pct": text(config.take_profit_pct),
            "trailing_stop_pct": text(config.trailing_stop_pct),
        }
    )


def run_bar_loop(
    candles: Candles, targets: FloatArray, config: BacktestConfig
) -> tuple[TradeLog, FloatArray, CurveSummary]:
    """The trades, the equity at each close and its summary for ``targets`` (wanted after each
    bar's close)."""
    equity = np.empty(len(candles), dtype=np.float64)
    log, curve = _simulate(candles, targets, config, equity)
    return log, equity, curve


def run_bar_loop_summary(
    candles: Candles, targets: FloatArray, config: BacktestConfig
) -> tuple[TradeLog, CurveSummary]:
    """The trades and the curve's summary, without the curve: what a grid cell's metrics need
    (a million-bar curve per cell is 8 MB written and never read)."""
    return _simulate(candles, targets, config, None)


def _simulate(
    candles: Candles, targets: FloatArray, config: BacktestConfig, equity: FloatArray | None
) -> tuple[TradeLog, CurveSummary]:
    # Imported here: most imports of fks.backtest want its configuration and request models, and
    # a native module loaded at cold start would cost every one of them.
    from fks_execution import simulate

    simulation = simulate(
        candles.open,
        candles.high,
        candles.low,
        candles.close,
        np.ascontiguousarray(targets, dtype=np.float64),
        core_config(config),
        equity,
    )
    return _trade_log(simulation, config), _curve_summary(simulation)._replace(bars=len(candles))


def _curve_summary(simulation: Simulation) -> CurveSummary:
    count, mean, m2, downside_squares, depth, length, peak_bar, final = simulation.curve()
    return CurveSummary(
        bars=0,  # set by the caller, which knows the bars
        final=final,
        returns=count,
        mean_return=mean,
        return_std=math.sqrt(m2 / (count - 1)) if count >= 2 else 0.0,
        downside=math.sqrt(downside_squares / count) if count else 0.0,
        drawdown=Drawdown(depth, length, peak_bar, peak_bar + length) if length else Drawdown(depth, 0, 0, 0),
    )


def _trade_log(simulation: Simulation, config: BacktestConfig) -> TradeLog:
    raw = dict(simulation.columns())

    def floats(name: str) -> FloatArray:
        return np.frombuffer(raw[name], dtype="<f8")

    reason = np.frombuffer(raw["exit_reason"], dtype=np.uint8).astype(np.int8)
    fills = Fills(
        entry_bar=np.frombuffer(raw["entry_bar"], dtype="<i8"),
        exit_bar=np.frombuffer(raw["exit_bar"], dtype="<i8"),
        side=floats("side"),
        size=floats("size"),
        entry_price=floats("entry_price"),
        exit_price=floats("exit_price"),
        exit_reason=reason,
        exit_fee_rate=np.where(reason == TAKE_PROFIT, config.maker_rate, config.taker_rate),
    )
    return TradeLog(
        fills=fills,
        quantity=floats("quantity"),
        entry_fee=floats("entry_fee"),
        exit_fee=floats("exit_fee"),
        pnl=floats("pnl"),
        exact=ExactTrades(simulation),
    )
