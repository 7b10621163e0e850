"""Backtest settings: money as Decimal, rates in basis points."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fks.decimals import PositiveDecimal, StrictDecimal
from fks.errors import BadRequest

Bps = Annotated[StrictDecimal, Field(ge=0, le=1000)]
Percent = Annotated[StrictDecimal, Field(gt=0, lt=100)]


class BacktestConfig(BaseModel):
    """How orders fill and how big they are.

    Fills: market orders (entries, signal exits, stop-losses) pay ``taker_fee_bps`` and
    ``slippage_bps`` against the trader; a take-profit is a resting limit order, so it pays
    ``maker_fee_bps`` and fills at its limit price (or a better open) with no slippage.

    Sizing ``fraction``: each entry commits ``fraction`` x |target| of the equity at that moment,
    fee included (as vectorbt's all-cash buys). Sizing ``quantity``: each entry trades
    ``quantity`` x |target| units regardless of equity. Sizing ``quote``: each entry buys or
    sells ``quote_amount`` x |target| of quote currency at its fill price, the fee on top.
    ``size_at_signal_close`` sizes quote and fraction entries as live trading sizes its order,
    which is placed before its fill price is known: at the close of the bar whose target changed
    (a fraction's budget allowing for slippage and the fee on that close); a strategy's execution
    settings backtest so (``fks.strategies.execution_settings.backtest_config``).
    ``quantity_step`` (the venue's lot step) rounds each entry's quantity down to a multiple of it.

    ``stop_loss_pct`` / ``take_profit_pct`` are percent of the entry fill price (2 = 2 %);
    ``trailing_stop_pct`` trails the best price reached by the earlier bars of the trade (a
    long's highest high, a short's lowest low, from the entry fill price on) by that percent.
    The rules are the Rust core's bar loop (``fks_execution_core::simulation``).
    ``periods_per_year`` annualises Sharpe and Sortino; by default it follows from the bar
    interval on a 24/7 calendar (crypto); set 252 for daily equity bars.
    """

    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    initial_cash: PositiveDecimal = Decimal("10000")
    maker_fee_bps: Bps = Decimal(0)
    taker_fee_bps: Bps = Decimal(0)
    slippage_bps: Bps = Decimal(0)
    sizing: Literal["fraction", "quantity", "quote"] = "fraction"
    fraction: StrictDecimal = Field(default=Decimal(1), gt=0, le=1)
    quantity: PositiveDecimal | None = None
    quote_amount: PositiveDecimal | None = None
    allow_short: bool = True
    stop_loss_pct: Percent | None = None
    take_profit_pct: Annotated[StrictDecimal, Field(gt=0, le=10000)] | None = None
    trailing_stop_pct: Percent | None = None
    size_at_signal_close: bool = False
    quantity_step: PositiveDecimal | None = None
    periods_per_year: float | None = Field(default=None, gt=0)
    money_quantum: PositiveDecimal = Decimal("0.01")

    @model_validator(mode="after")
    def _amount_given_for_its_sizing(self) -> Self:
        if self.sizing == "quantity" and self.quantity is None:
            raise ValueError("sizing 'quantity' needs a quantity")
        if self.sizing == "quote" and self.quote_amount is None:
            raise ValueError("sizing 'quote' needs a quote_amount")
        return self

    # Fee rates as fractions, for the float64 columns of a trade log.
    @property
    def maker_rate(self) -> float:
        return float(self.maker_fee_bps) / 10_000

    @property
    def taker_rate(self) -> float:
        return float(self.taker_fee_bps) / 10_000

    @property
    def slippage_rate(self) -> float:
        return float(self.slippage_bps) / 10_000


def parse_config(data: Mapping[str, object] | None = None) -> BacktestConfig:
    """A config from API input, or BadRequest listing every invalid field."""
    try:
        return BacktestConfig.model_validate(dict(data or {}))
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()]
        raise BadRequest("invalid backtest config: " + "; ".join(problems), details={"errors": problems}) from exc
