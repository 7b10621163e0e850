"""Which of an order's fills the portfolio still has to book.

An order's fills reach the portfolio from several places: the answer to its placement (the
pipeline's ``update_portfolio``, ``POST /orders``), a cancel's answer, and the scheduled order
sync, which reports only the fills that sync learned. Each fill is booked once by its trade id.
Besides, the portfolio keeps per order what it has booked (quantity, notional, fees), never more
than the engine says the order filled; whatever of the order's filled quantity no fill brought
(a replayed report carries no fills; a sync whose booking crashed half-way reports those fills
never again) is booked as one catch-up fill at the price and fee that make the order's totals
match the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class BookedSoFar:
    """What the portfolio has booked of one order."""

    quantity: Decimal = ZERO
    notional: Decimal = ZERO  # sum of quantity x price
    fees: Decimal = ZERO
    order_filled: Decimal = ZERO  # the largest filled quantity a report of the order has shown


@dataclass(frozen=True)
class FillPart:
    """A fill to book: ``key`` identifies it among the order's fills."""

    key: str
    quantity: Decimal
    price: Decimal
    fee: Decimal


def unbooked_rest(
    filled_qty: Decimal, avg_fill_price: Decimal | None, fees: Decimal, booked: BookedSoFar
) -> FillPart | None:
    """The part of the order's filled quantity no booked fill covers, priced so the booked
    notional comes to ``filled_qty x avg_fill_price``; None when everything is booked. Its key
    names the filled quantity it completes, so two bookings of the same rest share one key."""
    rest = filled_qty - booked.quantity
    if rest <= 0 or avg_fill_price is None:
        return None
    price = (filled_qty * avg_fill_price - booked.notional) / rest
    if price <= 0:  # rounding in the engine's average cannot make a price of nothing: keep the average
        price = avg_fill_price
    return FillPart(f"upto-{filled_qty.normalize():f}", rest, price, max(fees - booked.fees, ZERO))
