"""What a backtest returns: trades, the equity curve and the metrics."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from fks.backtest.config import BacktestConfig
from fks.backtest.fills import EXIT_REASONS, ExitReason, Fills
from fks.backtest.metrics import Metrics
from fks.strategies.base import Params
from fks.strategies.candles import FloatArray, IntArray

if TYPE_CHECKING:
    from fks_execution import Simulation


class Trade(BaseModel):
    """One round trip. Times are the open_time (epoch ms) of the bar in which each fill
    happened; prices include slippage; ``pnl`` is net of both fees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    side: Literal["long", "short"]
    entry_bar: int
    entry_time: int
    entry_price: Decimal
    exit_bar: int
    exit_time: int
    exit_price: Decimal
    quantity: Decimal
    pnl: Decimal
    fees: Decimal
    exit_reason: ExitReason


class ExactTrades:
    """The core's exact figures of the trades: what ``Trade`` rows and the money metrics report."""

    __slots__ = ("_simulation",)

    def __init__(self, simulation: Simulation) -> None:
        self._simulation = simulation

    @property
    def final_equity(self) -> Decimal:
        return Decimal(self._simulation.final_equity)

    @property
    def total_fees(self) -> Decimal:
        return Decimal(self._simulation.total_fees)

    def rows(self) -> list[tuple[Decimal, Decimal, Decimal, Decimal, Decimal]]:
        """(entry price, exit price, quantity, pnl, fees) per trade."""
        return [
            (Decimal(entry), Decimal(exit_), Decimal(quantity), Decimal(pnl), Decimal(fees))
            for entry, exit_, quantity, pnl, fees in self._simulation.exact()
        ]


@dataclass(frozen=True, slots=True)
class TradeLog:
    """The trades as float arrays (metrics, plots, grids), and their exact decimals."""

    fills: Fills
    quantity: FloatArray
    entry_fee: FloatArray
    exit_fee: FloatArray
    pnl: FloatArray  # net of both fees
    exact: ExactTrades

    def __len__(self) -> int:
        return len(self.fills)

    @property
    def fees(self) -> FloatArray:
        return self.entry_fee + self.exit_fee


@dataclass(frozen=True, eq=False)
class BacktestResult:
    strategy: str
    params: Params
    config: BacktestConfig
    open_time: IntArray
    equity: FloatArray  # mark-to-market at each bar's close, float64 (a curve, not a ledger)
    trade_log: TradeLog
    metrics: Metrics

    @property
    def final_equity(self) -> Decimal:
        return self.metrics.final_equity

    @property
    def trade_count(self) -> int:
        return len(self.trade_log)

    @cached_property
    def trades(self) -> list[Trade]:
        """Built on first use: a million-bar run can hold tens of thousands of trades, and the
        grid only needs the metrics."""
        log, quantum = self.trade_log, self.config.money_quantum
        fills = log.fills
        exact = log.exact.rows()
        rows = zip(
            fills.side.tolist(),
            fills.entry_bar.tolist(),
            fills.exit_bar.tolist(),
            exact,
            fills.exit_reason.tolist(),
            strict=True,
        )
        times = self.open_time
        # model_construct: every field is built right here with its final type; validating
        # tens of thousands of rows again would only cost time.
        return [
            Trade.model_construct(
                side="long" if side > 0 else "short",
                entry_bar=entry_bar,
                entry_time=int(times[entry_bar]),
                entry_price=entry_price,
                exit_bar=exit_bar,
                exit_time=int(times[exit_bar]),
                exit_price=exit_price,
                quantity=quantity,
                pnl=pnl.quantize(quantum, rounding=ROUND_HALF_EVEN),
                fees=fees.quantize(quantum, rounding=ROUND_HALF_EVEN),
                exit_reason=EXIT_REASONS[reason],
            )
            for side, entry_bar, exit_bar, (entry_price, exit_price, quantity, pnl, fees), reason in rows
        ]

    def drawdown_curve(self) -> FloatArray:
        """Fraction below the running peak at each bar (0 at a new high)."""
        peak = np.maximum.accumulate(self.equity)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(peak > 0, 1.0 - self.equity / peak, 0.0), dtype=np.float64)
