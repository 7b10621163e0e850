from __future__ import annotations

from decimal import Decimal

from fks_ninja.outgoing import OrderState, OrderStateUpdate
from fks_ninja.tracker import OrderTracker, PlacedOrder

ORDER = PlacedOrder("fks1", "sig-1", "Sim101", "ES 12-25", "BUY", 4)


def _tracker() -> OrderTracker:
    tracker = OrderTracker()
    tracker.track(ORDER)
    return tracker


def test_partial_then_full_fill_yields_two_fills_priced_from_the_averages() -> None:
    tracker = _tracker()

    first = tracker.apply(OrderStateUpdate("fks1", OrderState.PARTFILLED, 1, Decimal("5000")))
    second = tracker.apply(OrderStateUpdate("fks1", OrderState.FILLED, 4, Decimal("5003")))

    assert [(f.quantity, f.price) for f in first.fills + second.fills] == [(1, Decimal(5000)), (3, Decimal(5004))]
    assert [c.state for c in first.status_changes + second.status_changes] == [OrderState.PARTFILLED, OrderState.FILLED]
    assert tracker.open_orders() == []


def test_same_snapshot_twice_reports_the_fill_once() -> None:
    tracker = _tracker()
    update = OrderStateUpdate("fks1", OrderState.PARTFILLED, 2, Decimal("5000"))

    tracker.apply(update)
    again = tracker.apply(update)

    assert again.fills == []
    assert again.status_changes == []


def test_update_after_a_terminal_state_is_ignored() -> None:
    tracker = _tracker()
    tracker.apply(OrderStateUpdate("fks1", OrderState.REJECTED, 0, Decimal(0)))

    late = tracker.apply(OrderStateUpdate("fks1", OrderState.FILLED, 4, Decimal(1)))

    assert late.fills == []
    assert tracker.state_of("fks1") is OrderState.REJECTED


def test_order_the_bridge_did_not_place_is_not_reported() -> None:
    events = _tracker().apply(OrderStateUpdate("manual7", OrderState.FILLED, 1, Decimal(1)))

    assert events.fills == []
    assert events.status_changes == []


def test_pending_contracts_are_what_live_orders_have_left_to_fill() -> None:
    tracker = _tracker()
    tracker.track(PlacedOrder("fks2", "sig-2", "Sim101", "ES 12-25", "SELL", 1))
    tracker.apply(OrderStateUpdate("fks1", OrderState.PARTFILLED, 1, Decimal("5000")))

    assert tracker.pending_contracts("Sim101", "ES 12-25") == 3 - 1
    assert tracker.pending_contracts("Other", "ES 12-25") == 0
