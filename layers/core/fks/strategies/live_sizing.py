"""How big a live order is: the position a strategy wants, sized as the backtester sizes its
entry (``BacktestConfig.size_at_signal_close``), in base units.

A live order is placed at the close of the bar whose target changed, before its fill price is
known, so every sizing reads that close: ``quantity`` trades ``quantity`` x |target|; ``quote``
``quote_amount`` x |target| / close; ``fraction`` that share of the account's equity over the
close moved by the slippage and the taker fee (so a fraction of 1 does not outspend the
equity). Quote and fraction sizes are rounded down to the venue's lot step, as the venue
accepts them. The order is the difference between the position wanted and the one held (what
the strategy's previous orders were sized to, kept on its evaluation cursor), so an exit sells
what the entry bought, whatever the price did since.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Protocol

from fks.strategies.execution_settings import ExecutionSettings

ZERO = Decimal(0)
BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class Holding:
    """The target level a strategy wants and the signed base units it was sized to."""

    level: Decimal
    quantity: Decimal


class SizingFacts(Protocol):
    """What sizes an order besides the strategy's settings: the market's rules and the account."""

    def lot_step(self, exchange: str, symbol: str) -> Decimal | None:
        """The venue's quantity step of ``symbol`` (None: not listed, unrounded)."""
        ...

    def equity(self, exchange: str) -> Decimal:
        """The trading account's equity on ``exchange``, in its quote currency."""
        ...


def position_for(
    settings: ExecutionSettings, exchange: str, symbol: str, level: Decimal, close: Decimal, facts: SizingFacts | None
) -> Decimal:
    """Signed base units of target ``level`` sized at ``close``."""
    if level == ZERO:
        return ZERO
    magnitude = abs(level)
    if settings.sizing == "quantity":
        size = settings.quantity * magnitude
    else:
        if facts is None:
            raise ValueError(f"sizing {settings.sizing!r} needs the market's lot step and the account's equity")
        if settings.sizing == "quote":
            assert settings.quote_amount is not None  # the settings' own validator
            size = settings.quote_amount * magnitude / close
        else:
            assert settings.fraction is not None
            slipped = close + (1 if level > 0 else -1) * close * settings.slippage_bps / BPS
            _, taker = settings.fees_bps(exchange)
            size = settings.fraction * magnitude * facts.equity(exchange) / (slipped + slipped * taker / BPS)
        step = facts.lot_step(exchange, symbol)
        if step is not None:
            size = (size / step).to_integral_value(rounding=ROUND_DOWN) * step
    return size if level > 0 else -size
