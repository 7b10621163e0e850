"""Resting orders against the moving price: stops trigger, limits fill, OCO legs expire each other.

A window of prices (the minutes since an order was last checked, or the jump to a price a test
set) is given as lows and highs in ticks. The legs of an OCO are matched together: the leg whose
price is reached first triggers or fills and expires the other, as on Binance.

A venue that holds no funds for an untriggered stop (Kraken: ``hold_on_trigger``) reserves them
when the stop triggers; without them the triggered order is canceled, as Kraken cancels a
triggered order the account can no longer pay for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
from numpy.typing import NDArray

from fks_exchange_sim import matching
from fks_exchange_sim.candles import CandleSource, minute_index
from fks_exchange_sim.errors import BinanceError
from fks_exchange_sim.intervals import MINUTE_MS
from fks_exchange_sim.ledger import Ledger
from fks_exchange_sim.markets import SymbolSpec
from fks_exchange_sim.orders import Order
from fks_exchange_sim.series import EPOCH_MS

Ticks = NDArray[np.int64]
# When (epoch ms) an order met offset ``n`` of the window.
TimeOf = Callable[[Order, int], int]


class RestingOrders:
    """Matching of open orders; callers hold the engine's lock."""

    def __init__(
        self, specs: Mapping[str, SymbolSpec], ledger: Ledger, candles: CandleSource, *, hold_on_trigger: bool = False
    ) -> None:
        self.specs = specs
        self.ledger = ledger
        self.candles = candles
        self.hold_on_trigger = hold_on_trigger

    def sweep(self, orders: Iterable[Order], now_ms: int) -> None:
        """Match each open order against the minutes after the one it was last checked in."""
        minute = minute_index(now_ms)
        if minute < 0:  # a test clock before the sample epoch: no candles to match against
            return
        for group in _open_groups(orders, lambda o: o.checked_minute < minute):
            first = max(min(o.checked_minute for o in group) + 1, 0)
            bars = self.candles.series(group[0].symbol).minutes(first, minute + 1)

            def time_of(order: Order, offset: int, first: int = first) -> int:
                return min(max(order.time, EPOCH_MS + (first + offset) * MINUTE_MS), now_ms)

            self._settle(group, bars.low, bars.high, time_of, None)
            for order in group:
                order.checked_minute = minute

    def price_moved(self, orders: Iterable[Order], symbol: str, old: int, new: int, now_ms: int) -> None:
        """Match ``symbol``'s open orders against a jump from ``old`` to ``new`` ticks, now."""
        lows, highs = np.array([min(old, new)], dtype=np.int64), np.array([max(old, new)], dtype=np.int64)
        for group in _open_groups(orders, lambda o: o.symbol == symbol):
            self._settle(group, lows, highs, lambda order, offset: now_ms, new)

    def close(self, order: Order, status: str, now_ms: int) -> None:
        """Cancel or expire ``order`` if it is still open, releasing its funds."""
        if order.is_open:
            self.ledger.release(order)
            order.status, order.update_time = status, now_ms

    def _settle(self, group: list[Order], lows: Ticks, highs: Ticks, time_of: TimeOf, move_end: int | None) -> None:
        """Apply the first thing the window did to any order of ``group`` (legs of one OCO)."""
        crossings = [(self._crossing(order, lows, highs, move_end), order) for order in group]
        acting = [(c, o) for c, o in crossings if c.triggered_at is not None or c.filled_at is not None]
        if not acting:
            return
        # The leg acted on first wins; on a tie the stop-loss leg (listed first) does, the safer guess.
        crossing, order = min(acting, key=lambda item: _first_event(item[0]))
        if len(group) > 1:
            event_ms = time_of(order, _first_event(crossing))
            for sibling in group:
                if sibling is not order:
                    self.close(sibling, "EXPIRED", event_ms)
            if not order.locked and crossing.filled_at is None:
                self.ledger.reserve(order)  # it rests on alone: it needs the list's funds now
        if crossing.triggered_at is not None:
            order.working_time = order.update_time = time_of(order, crossing.triggered_at)
            if self.hold_on_trigger and not order.locked:
                try:
                    self.ledger.reserve(order)
                except BinanceError:  # the coins went elsewhere since it was placed
                    order.status = "CANCELED"
                    return
            if order.time_in_force in ("IOC", "FOK") and (crossing.filled_at is None or crossing.maker):
                # Triggered, an IOC/FOK stop-limit is a limit that must fill at once or expire.
                self.close(order, "EXPIRED", order.update_time)
                return
        if crossing.filled_at is not None and crossing.fill_price is not None:
            price = self.specs[order.symbol].price_of_ticks(crossing.fill_price)
            self.ledger.fill(order, price, time_of(order, crossing.filled_at), maker=crossing.maker)

    def _crossing(self, order: Order, lows: Ticks, highs: Ticks, move_end: int | None) -> matching.Crossing:
        spec = self.specs[order.symbol]
        stop = int(order.stop_price / spec.tick) if not order.is_working else None
        price = None if order.type in matching.MARKET_STOP_TYPES else int(order.price / spec.tick)
        return matching.cross(order.side, order.type, price, stop, lows, highs, move_end=move_end)


def _open_groups(orders: Iterable[Order], wanted: Callable[[Order], bool]) -> list[list[Order]]:
    """Open orders passing ``wanted``, an OCO's open legs together, in order of placement."""
    groups: dict[tuple[bool, int], list[Order]] = {}
    for order in orders:
        if order.is_open and wanted(order):
            key = (True, order.order_list_id) if order.order_list_id >= 0 else (False, order.order_id)
            groups.setdefault(key, []).append(order)
    return list(groups.values())


def _first_event(crossing: matching.Crossing) -> int:
    return min(at for at in (crossing.triggered_at, crossing.filled_at) if at is not None)
