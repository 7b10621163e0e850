"""Order states and fills from NT8's cumulative order state files.

NT8 rewrites ``<ORDER ID>.txt`` with the cumulative filled amount and average price, so a fill is
the difference between two snapshots; the same snapshot seen twice yields nothing, which guards
against a fill being reported twice when the watcher re-reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fks_ninja.outgoing import OrderState, OrderStateUpdate


@dataclass(frozen=True)
class PlacedOrder:
    order_id: str
    signal_id: str
    account: str
    instrument: str
    action: str
    quantity: int


@dataclass(frozen=True)
class Fill:
    order_id: str
    signal_id: str
    account: str
    instrument: str
    action: str
    quantity: int
    price: Decimal
    cumulative_filled: int


@dataclass(frozen=True)
class OrderStatusChange:
    order_id: str
    signal_id: str
    state: OrderState
    filled: int
    average_fill_price: Decimal


@dataclass
class _Tracked:
    order: PlacedOrder
    state: OrderState = OrderState.SUBMITTED
    filled: int = 0
    average_price: Decimal = Decimal(0)


@dataclass
class TrackerEvents:
    fills: list[Fill] = field(default_factory=list)
    status_changes: list[OrderStatusChange] = field(default_factory=list)


class OrderTracker:
    def __init__(self) -> None:
        self._orders: dict[str, _Tracked] = {}

    def track(self, order: PlacedOrder) -> None:
        self._orders.setdefault(order.order_id, _Tracked(order))

    def is_tracked(self, order_id: str) -> bool:
        return order_id in self._orders

    def state_of(self, order_id: str) -> OrderState:
        return self._orders[order_id].state

    def open_orders(self) -> list[PlacedOrder]:
        return [t.order for t in self._orders.values() if not t.state.is_terminal]

    def pending_contracts(self, account: str, instrument: str) -> int:
        """Signed contracts still to fill on live orders: what the position may become."""
        pending = 0
        for tracked in self._orders.values():
            order = tracked.order
            if not tracked.state.is_terminal and (order.account, order.instrument) == (account, instrument):
                remaining = order.quantity - tracked.filled
                pending += remaining if order.action == "BUY" else -remaining
        return pending

    def apply(self, update: OrderStateUpdate) -> TrackerEvents:
        events = TrackerEvents()
        tracked = self._orders.get(update.order_id)
        if tracked is None:
            return events  # an order placed by hand or by another tool: not ours to report
        if tracked.state.is_terminal or (update.state == tracked.state and update.filled == tracked.filled):
            return events
        if update.filled > tracked.filled:
            events.fills.append(_fill_between(tracked, update))
            tracked.filled = update.filled
            tracked.average_price = update.average_fill_price
        if update.state != tracked.state:
            tracked.state = update.state
            order = tracked.order
            events.status_changes.append(
                OrderStatusChange(order.order_id, order.signal_id, update.state, tracked.filled, tracked.average_price)
            )
        return events


def _fill_between(tracked: _Tracked, update: OrderStateUpdate) -> Fill:
    quantity = update.filled - tracked.filled
    # The new fill's price is what moves the average: (new total value - old total value) / qty.
    value = update.average_fill_price * update.filled - tracked.average_price * tracked.filled
    order = tracked.order
    return Fill(
        order.order_id,
        order.signal_id,
        order.account,
        order.instrument,
        order.action,
        quantity,
        value / quantity,
        update.filled,
    )
