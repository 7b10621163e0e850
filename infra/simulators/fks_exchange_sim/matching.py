"""When orders cross the sample price: pure functions over tick prices, no balances, no clock.

A resting order is checked against the high and low of every minute after the one it was placed
(or last checked) in, so a price that was touched between two requests still fills it. Fills are
at the order's own price; a stop-limit whose limit is marketable when it triggers, and a stop-market
order (``STOP_LOSS``, ``TAKE_PROFIT``), fill at the stop price, standing in for the market price at
that moment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

STOP_TYPES = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"})
# Stops that become MARKET orders when triggered: they carry no limit price.
MARKET_STOP_TYPES = frozenset({"STOP_LOSS", "TAKE_PROFIT"})


@dataclass(frozen=True)
class Quote:
    """Best bid and ask in ticks; equal when the simulator runs without a spread."""

    bid: int
    ask: int


@dataclass(frozen=True)
class Crossing:
    """What a window of minutes did to a resting order (offsets into the window)."""

    triggered_at: int | None
    filled_at: int | None
    fill_price: int | None
    maker: bool


def quote(close: int, spread_bps: int) -> Quote:
    """Bid and ask around the close, each half the spread away, rounded outward to ticks."""
    half_ticks = -(-close * spread_bps // 20000)  # ceil(close * bps / 10000 / 2)
    return Quote(bid=max(close - half_ticks, 1), ask=close + half_ticks)


def marketable(side: str, price: int, book: Quote) -> bool:
    return price >= book.ask if side == "BUY" else price <= book.bid


def _triggers_on_fall(side: str, order_type: str) -> bool:
    # A sell stop-loss and a buy take-profit wait for the price to come down to the stop.
    return (side == "SELL") == order_type.startswith("STOP_LOSS")


def triggers_now(side: str, order_type: str, stop: int, last: int) -> bool:
    return last <= stop if _triggers_on_fall(side, order_type) else last >= stop


def _first(mask: NDArray[np.bool_], start: int) -> int | None:
    hits = np.flatnonzero(mask[start:])
    return start + int(hits[0]) if len(hits) else None


def cross(
    side: str,
    order_type: str,
    price: int | None,
    stop: int | None,
    lows: NDArray[np.int64],
    highs: NDArray[np.int64],
    *,
    move_end: int | None = None,
) -> Crossing:
    """Where in the window a (possibly untriggered) resting order triggers and fills.

    ``price`` is None for a stop-market order, ``stop`` None once a stop has triggered. With
    ``move_end``, the one-bar window is a single move ending there (a price a test set): after a
    trigger the price only goes on from the stop to ``move_end``, not back over the bar.
    """
    start, triggered_at = 0, None
    if stop is not None:
        falls = _triggers_on_fall(side, order_type)
        triggered_at = _first(lows <= stop if falls else highs >= stop, 0)
        if triggered_at is None:
            return Crossing(None, None, None, maker=True)
        if price is None or (side == "BUY" and price >= stop) or (side == "SELL" and price <= stop):
            return Crossing(triggered_at, triggered_at, stop, maker=False)
        if move_end is not None:
            reached = move_end <= price if side == "BUY" else move_end >= price
            return Crossing(triggered_at, triggered_at if reached else None, price if reached else None, maker=True)
        start = triggered_at
    assert price is not None  # only a stop-market order has no price, and it filled above
    filled_at = _first(lows <= price if side == "BUY" else highs >= price, start)
    return Crossing(triggered_at, filled_at, None if filled_at is None else price, maker=True)
