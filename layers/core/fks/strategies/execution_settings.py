"""How a strategy trades: sizing, costs, direction and exits, set once and used everywhere.

The same settings drive a backtest (``backtest_config``: the backtester's ``BacktestConfig``),
paper and live trading (``generate_signals`` sizes each signal from them, the pipeline attaches
the exits), the dashboard's backtest form and ``fks backtest``. So a strategy cannot be backtested
under assumptions it will not trade under: fees default to its venue's schedule
(``fks.venue_fees``), slippage to the paper venue's model, and a spot strategy is long-only
unless it says otherwise.

Sizing: ``quantity`` trades ``quantity`` x the change of target in base units (a 0 -> 1 entry buys
``quantity``, a 1 -> -1 reversal sells twice that); ``quote`` commits ``quote_amount`` of the
quote currency per unit of target and ``fraction`` that share of the equity, at the close of the
bar whose target changed (live places its order then, before the fill price is known: the
backtest sizes so too), rounded down to the venue's lot step (``fks.strategies.live_sizing``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fks.backtest.config import BacktestConfig, parse_config
from fks.decimals import PositiveDecimal, StrictDecimal
from fks.errors import BadRequest
from fks.execution import Protection, StopPercent, TakeProfitPercent
from fks.venue_fees import fee_schedule

Bps = Annotated[StrictDecimal, Field(ge=0, le=1000)]
Sizing = Literal["quantity", "quote", "fraction"]
# The paper venue's adverse move on a taker fill (execute_order's FKS_PAPER_SLIPPAGE_BPS default).
PAPER_SLIPPAGE_BPS = Decimal(5)
DEFAULT_QUANTITY = Decimal("0.001")


class ExecutionSettings(BaseModel):
    """A strategy's execution settings; every field optional with the defaults above."""

    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    sizing: Sizing = "quantity"
    quantity: PositiveDecimal = DEFAULT_QUANTITY
    quote_amount: PositiveDecimal | None = None
    fraction: Annotated[StrictDecimal, Field(gt=0, le=1)] | None = None
    # None: the venue's schedule (fks.venue_fees).
    maker_fee_bps: Bps | None = None
    taker_fee_bps: Bps | None = None
    slippage_bps: Bps = PAPER_SLIPPAGE_BPS
    allow_short: bool = False
    # Exits that protect every position the strategy opens, in percent of the entry's fill price:
    # the backtester's parameters, placed live by the execution engine (``OrderCommand.protection``).
    stop_loss_pct: StopPercent | None = None
    take_profit_pct: TakeProfitPercent | None = None
    trailing_stop_pct: StopPercent | None = None

    @model_validator(mode="after")
    def _sizing_has_its_amount(self) -> Self:
        if self.sizing == "quote" and self.quote_amount is None:
            raise ValueError("sizing 'quote' needs quote_amount")
        if self.sizing == "fraction" and self.fraction is None:
            raise ValueError("sizing 'fraction' needs fraction")
        return self

    @property
    def protection(self) -> Protection | None:
        exits = Protection(
            stop_loss_pct=self.stop_loss_pct,
            take_profit_pct=self.take_profit_pct,
            trailing_stop_pct=self.trailing_stop_pct,
        )
        return None if exits.is_empty else exits

    def fees_bps(self, venue: str) -> tuple[Decimal, Decimal]:
        """(maker, taker): the settings' own, else the venue's schedule."""
        if self.maker_fee_bps is not None and self.taker_fee_bps is not None:
            return self.maker_fee_bps, self.taker_fee_bps
        schedule = fee_schedule(venue)
        maker = schedule.maker_bps if self.maker_fee_bps is None else self.maker_fee_bps
        taker = schedule.taker_bps if self.taker_fee_bps is None else self.taker_fee_bps
        return maker, taker

    def settings(self) -> ExecutionSettings:
        """These fields alone (a ``StrategyConfig`` is also ``ExecutionSettings``)."""
        return ExecutionSettings.model_validate(self.model_dump(include=set(ExecutionSettings.model_fields)))


# What a backtest takes besides the strategy's settings: the simulation's own knobs, and the
# venue's lot step of the symbol (market data, not a setting: a replay reads it from the venue).
BACKTEST_ONLY_FIELDS = frozenset({"initial_cash", "periods_per_year", "money_quantum", "quantity_step"})


def backtest_config(settings: ExecutionSettings, venue: str, extra: dict[str, object] | None = None) -> BacktestConfig:
    """The backtester's config for ``settings`` traded on ``venue``; ``extra`` may set only
    ``BACKTEST_ONLY_FIELDS`` (initial cash, annualisation, money rounding)."""
    extra = dict(extra or {})
    for name in extra:
        if name not in BACKTEST_ONLY_FIELDS:
            raise BadRequest(
                f"config.{name}: set it in the strategy's execution settings, not the backtest config",
                details={"field": f"config.{name}"},
            )
    maker, taker = settings.fees_bps(venue)
    mapped: dict[str, object] = {
        "maker_fee_bps": maker,
        "taker_fee_bps": taker,
        "slippage_bps": settings.slippage_bps,
        "allow_short": settings.allow_short,
        "sizing": settings.sizing,
        "stop_loss_pct": settings.stop_loss_pct,
        "take_profit_pct": settings.take_profit_pct,
        # Live sizes a quote or fraction order at the close of its signal's bar, before the fill.
        "size_at_signal_close": settings.sizing != "quantity",
    }
    if settings.sizing == "quantity":
        mapped["quantity"] = settings.quantity
    elif settings.sizing == "quote":
        mapped["quote_amount"] = settings.quote_amount
    else:
        mapped["fraction"] = settings.fraction
    if settings.trailing_stop_pct is not None:
        mapped["trailing_stop_pct"] = settings.trailing_stop_pct
    known = BacktestConfig.model_fields
    unsupported = [name for name, value in mapped.items() if name not in known and value is not None]
    if unsupported or settings.sizing not in _backtest_sizings():
        what = ", ".join(unsupported) or f"sizing {settings.sizing!r}"
        raise BadRequest(f"the backtester does not take {what} yet", details={"field": unsupported or ["sizing"]})
    return parse_config({**{k: v for k, v in mapped.items() if v is not None}, **extra})


def _backtest_sizings() -> tuple[str, ...]:
    annotation = BacktestConfig.model_fields["sizing"].annotation
    return tuple(getattr(annotation, "__args__", ()))
