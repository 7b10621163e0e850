"""Position arithmetic from fills, in exact decimals: average entry, realized PnL, fees.

The arithmetic is the Rust execution core's (``Holding::apply``, through ``fks_execution``):
the very code that keeps the live engine's positions and the backtest's trades, so a strategy's
book in the portfolio, the account's position in the engine and a backtest's trade move alike on
the same fills. Adding to a position moves the average entry; reducing realizes PnL against it;
crossing zero closes the old side and opens the new one at the fill. Decimals stay Decimal here
and cross to the core as plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Book:
    quantity: Decimal = ZERO  # signed: negative is short
    avg_entry_price: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees: Decimal = ZERO

    def unrealized_pnl(self, price: Decimal) -> Decimal:
        return (price - self.avg_entry_price) * self.quantity

    def value(self, price: Decimal) -> Decimal:
        return self.quantity * price


def apply_fill(book: Book, signed_quantity: Decimal, price: Decimal, fee: Decimal = ZERO) -> Book:
    """The book after one fill of ``signed_quantity`` (positive buys) at ``price``; a fill of no
    quantity only pays its fee."""
    # Imported on use: the bindings are a native module, and most imports of fks.portfolio (the
    # request models) book nothing.
    from fks_execution import apply_fill as core_apply_fill

    figures = (_plain(book.quantity), _plain(book.avg_entry_price), _plain(book.realized_pnl), _plain(book.fees))
    quantity, average, realized, fees = core_apply_fill(figures, _plain(signed_quantity), _plain(price), _plain(fee))
    return Book(Decimal(quantity), Decimal(average), Decimal(realized), Decimal(fees))


def _plain(value: Decimal) -> str:
    """Digits and a point, never an exponent (``1E+2``, ``0E-8``): the core reads plain decimals."""
    return format(value, "f")
