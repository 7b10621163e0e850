"""One fill booked on its order and its position together: both change or neither does."""

from __future__ import annotations

from dataclasses import dataclass

from fks.ninja.contracts import point_value
from fks.ninja.orders import NinjaOrder
from fks.ninja.positions import FuturesPosition
from fks.ninja.reports import NinjaFillReport


@dataclass(frozen=True)
class Booking:
    order: NinjaOrder
    position: FuturesPosition
    missing_contracts: int  # filled before this fill but never reported: a lost fill report


def book_fill(order: NinjaOrder, position: FuturesPosition, fill: NinjaFillReport, now_ms: int) -> Booking | None:
    """The order and position after ``fill``; ``None`` when the order has booked it already."""
    multiplier = point_value(fill.instrument)  # an unknown contract is refused before anything changes
    booked = order.with_fill(fill, now_ms)
    if booked is None:
        return None
    missing = fill.cumulative_filled - fill.quantity - order.booked_qty
    moved = position.apply_fill(fill.signed_quantity, fill.price, multiplier)
    return Booking(booked, moved, missing)
