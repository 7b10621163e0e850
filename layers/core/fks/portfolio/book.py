"""Position arithmetic from fills, in exact decimals: average entry, realized PnL, fees.

The same rules as the Rust engine's positions, so a strategy's book in the portfolio and the
account's position in the engine agree: adding to a position moves the average entry; reducing
realizes PnL against it; crossing zero closes the old side and opens the new one at the fill.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    """The book after one fill of ``signed_quantity`` (positive buys) at ``price``."""
    if signed_quantity == 0:
        return replace(book, fees=book.fees + fee)
    fees = book.fees + fee
    old = book.quantity
    new = old + signed_quantity
    if old == 0 or (old > 0) == (signed_quantity > 0):
        # Opening or adding: the average entry is the quantity-weighted mean.
        average = (book.avg_entry_price * abs(old) + price * abs(signed_quantity)) / abs(new)
        return Book(new, average, book.realized_pnl, fees)
    closed = min(abs(signed_quantity), abs(old))
    direction = Decimal(1) if old > 0 else Decimal(-1)
    realized = book.realized_pnl + (price - book.avg_entry_price) * closed * direction
    if new == 0:
        return Book(ZERO, ZERO, realized, fees)
    if (new > 0) == (old > 0):
        return Book(new, book.avg_entry_price, realized, fees)
    return Book(new, price, realized, fees)  # flipped: the remainder opened at this fill
