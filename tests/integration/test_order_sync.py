"""The order sync on the local stack: what happens to an order at the venue after its placement
(a resting limit filled minutes later, a stop triggered, an answer lost, a trade placed by hand)
reaches the order, the position and the portfolio within one sync, and reconciliation, which
syncs first, stays green."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from tests.integration.conftest import module_stack
from tests.integration.execution_helpers import (
    api,
    order_command,
    position_quantity,
    risk_state_item,
    simulator_exchange,
)
from tests.integration.pipeline_helpers import new_signal, priced_markets, run, signal_record
from tests.stack_handle import StackHandle

# Moves prices, reconciles or counts collection: see ``stack_of_its_own``.
local_stack = module_stack("ordersync")


pytestmark = pytest.mark.moto_only
DIRECT = "_direct"
SYMBOL = "BTCUSDT"


def _invoke(stack: StackHandle, logical_id: str, event: dict[str, Any] | None = None) -> dict[str, Any]:
    response = stack.clients("lambda").invoke(FunctionName=stack.function(logical_id), Payload=json.dumps(event or {}))
    body: dict[str, Any] = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


def _sync(stack: StackHandle) -> dict[str, Any]:
    return _invoke(stack, "SyncOrdersFunction")


def _direct_book(stack: StackHandle) -> Decimal:
    portfolio = stack.api("GET", "/portfolio", scope="read").json()
    books = [s["books"] for s in portfolio["strategies"] if s["strategy_id"] == DIRECT]
    return sum((Decimal(b["quantity"]) for b in (books[0] if books else []) if b["symbol"] == "BTC/USDT"), Decimal(0))


def _order(stack: StackHandle, client_order_id: str) -> dict[str, Any]:
    status, body = api(stack, "GET", f"/orders/{client_order_id}")
    assert status == 200, body
    order: dict[str, Any] = body["order"]
    return order


def _move_price(stack: StackHandle, price: Decimal) -> None:
    stack.simulator.set_price(SYMBOL, price.quantize(Decimal("0.01")))


def _price(stack: StackHandle) -> Decimal:
    return Decimal(str(stack.simulator.price(SYMBOL)))


@pytest.fixture
def synced(local_stack: StackHandle) -> Iterator[StackHandle]:
    """A stack whose account is synced and reconciled (the venue's holdings adopted), trading;
    afterwards the price is put back, the holdings adopted again and trading resumed."""
    priced_markets(local_stack, "BTC/USDT")
    price = _price(local_stack)
    _sync(local_stack)
    _invoke(local_stack, "ReconcileFunction", {"rebaseline": True})
    local_stack.api("POST", "/risk/resume", scope="admin")
    yield local_stack
    local_stack.simulator.clear_errors()
    _cancel_working_orders(local_stack)
    local_stack.simulator.set_price(SYMBOL, price)
    _sync(local_stack)
    _invoke(local_stack, "ReconcileFunction", {"rebaseline": True})
    local_stack.api("POST", "/risk/resume", scope="admin")


def _cancel_working_orders(stack: StackHandle) -> None:
    """Every order a test left working (a resting buy, a position's exits) canceled, as an
    operator would: a later test's price moves must not fill them. An OCO's second leg is
    already canceled with the first (the DELETE then answers 409); the sync settles it."""
    _sync(stack)
    status, body = api(stack, "GET", "/orders?status=open")
    assert status == 200, body
    for order in body["orders"]:
        api(stack, "DELETE", f"/orders/{order['client_order_id']}")
    _sync(stack)
    status, body = api(stack, "GET", "/orders?status=open")
    assert body["orders"] == [], body


def _resting_buy(stack: StackHandle, quantity: str = "0.002") -> tuple[dict[str, Any], Decimal]:
    """A limit buy 1 % under the price, resting on the venue; and its price."""
    price = (_price(stack) * Decimal("0.99")).quantize(Decimal("0.01"))
    command = order_command(type="limit", price=str(price), quantity=quantity)
    status, body = api(stack, "POST", "/orders", command)
    assert status == 201, body
    assert body["order"]["status"] == "accepted"
    return command, price


def test_resting_limit_filled_later_is_filled_everywhere_after_one_sync(synced: StackHandle) -> None:
    position, book = position_quantity(synced), _direct_book(synced)
    command, price = _resting_buy(synced)
    _move_price(synced, price * Decimal("0.995"))  # the venue fills it, the platform does not know

    outcome = _sync(synced)

    order = _order(synced, command["client_order_id"])
    assert order["status"] == "filled"
    assert Decimal(order["avg_fill_price"]) == price
    assert position_quantity(synced) == position + Decimal("0.002")
    assert _direct_book(synced) == book + Decimal("0.002")
    assert outcome["fills_booked"] >= 1
    assert _sync(synced)["fills_booked"] == 0  # learned once, booked once
    reconciled = _invoke(synced, "ReconcileFunction")
    assert reconciled["mismatches"] == []
    assert risk_state_item(synced).get("state", {}).get("S", "active") == "active"


def test_reconciliation_that_meets_a_late_fill_syncs_first_and_stays_green(synced: StackHandle) -> None:
    position = position_quantity(synced)
    command, price = _resting_buy(synced)
    _move_price(synced, price * Decimal("0.995"))

    reconciled = _invoke(synced, "ReconcileFunction")  # no sync ran since the venue filled it

    assert reconciled["mismatches"] == []
    assert reconciled["halted"] == []
    assert risk_state_item(synced).get("state", {}).get("S", "active") == "active"
    assert _order(synced, command["client_order_id"])["status"] == "filled"
    assert position_quantity(synced) == position + Decimal("0.002")


def test_two_syncs_at_once_book_a_late_fill_once(synced: StackHandle) -> None:
    position, book = position_quantity(synced), _direct_book(synced)
    _, price = _resting_buy(synced, quantity="0.003")
    _move_price(synced, price * Decimal("0.995"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda _: _sync(synced), range(2)))

    assert all(outcome["reached"] for outcome in outcomes)
    assert position_quantity(synced) == position + Decimal("0.003")
    assert _direct_book(synced) == book + Decimal("0.003")


def test_unreachable_venue_changes_nothing_and_misses_are_counted(synced: StackHandle) -> None:
    command, price = _resting_buy(synced)
    _move_price(synced, price * Decimal("0.995"))
    position = position_quantity(synced)
    for path in ("/api/v3/order", "/api/v3/openOrders", "/api/v3/myTrades", "/api/v3/allOrders"):
        synced.simulator.inject_error(path, http_status=503, method="GET", times=50)

    first, second = _sync(synced), _sync(synced)

    assert (first["reached"], first["misses_in_a_row"]) == (False, 1)
    assert (second["reached"], second["misses_in_a_row"]) == (False, 2)
    assert _order(synced, command["client_order_id"])["status"] == "accepted"
    assert position_quantity(synced) == position
    synced.simulator.clear_errors()
    recovered = _sync(synced)
    assert (recovered["reached"], recovered["misses_in_a_row"]) == (True, 0)
    assert _order(synced, command["client_order_id"])["status"] == "filled"


def test_trade_the_platform_never_placed_halts_with_reason_foreign_fill(synced: StackHandle) -> None:
    position = position_quantity(synced)
    simulator_exchange(synced).create_order("BTC/USDT", "market", "buy", 0.004)  # by hand, at the venue

    outcome = _sync(synced)

    assert [Decimal(f["quantity"]) for f in outcome["foreign_fills"]] == [Decimal("0.004")]
    assert position_quantity(synced) == position  # recorded as foreign, never booked
    state = risk_state_item(synced)
    assert (state["state"]["S"], state["halt_reason"]["S"]) == ("halted", "foreign_fill")
    assert _sync(synced)["foreign_fills"] == []  # alarmed once


def test_order_whose_answer_was_lost_is_settled_by_a_later_sync(synced: StackHandle) -> None:
    position, book = position_quantity(synced), _direct_book(synced)
    synced.simulator.inject_faults([{"path": "/api/v3/order", "method": "POST", "kind": "lose_answer", "times": 1}])
    command = order_command(quantity="0.002")

    status, _ = api(synced, "POST", "/orders", command)  # placed at the venue; the answer never came

    assert status >= 500
    assert _order(synced, command["client_order_id"])["status"] == "submitted"
    # The claim's lease covers the venue's consistency window; once it lapses a sync adopts the order.
    deadline = time.monotonic() + 240
    while _order(synced, command["client_order_id"])["status"] == "submitted" and time.monotonic() < deadline:
        time.sleep(10)
        _sync(synced)
    assert _order(synced, command["client_order_id"])["status"] == "filled"
    assert position_quantity(synced) == position + Decimal("0.002")
    assert _direct_book(synced) == book + Decimal("0.002")


def test_position_opened_with_a_stop_is_closed_when_the_price_crosses_it(synced: StackHandle) -> None:
    position = position_quantity(synced)
    command = order_command(quantity="0.002", protection={"stop_loss_pct": "2"})

    status, body = api(synced, "POST", "/orders", command)

    assert status == 201, body
    entry = body["order"]
    exits = [e for e in entry["exits"] if e["kind"] == "stop_loss"]
    assert exits, entry
    venue = synced.simulator.venue_orders(exits[0]["client_order_id"])
    assert [o["type"] for o in venue] == ["STOP_LOSS_LIMIT"]
    stop, fill = Decimal(exits[0]["stop_price"]), Decimal(entry["avg_fill_price"])
    assert fill * Decimal("0.979") <= stop <= fill * Decimal("0.981")  # 2 % under the entry, on a tick

    _move_price(synced, stop * Decimal("0.99"))
    _sync(synced)

    assert [o["status"] for o in synced.simulator.venue_orders(exits[0]["client_order_id"])] == ["FILLED"]
    assert position_quantity(synced) == position
    assert _invoke(synced, "ReconcileFunction")["mismatches"] == []


def test_late_fill_of_a_strategys_resting_order_goes_to_that_strategys_book(synced: StackHandle) -> None:
    strategy = f"late-{uuid.uuid4().hex[:8]}"
    price = (_price(synced) * Decimal("0.99")).quantize(Decimal("0.01"))
    signal = new_signal(strategy_id=strategy, quantity="0.002", limit_price=str(price))
    assert run(synced, signal)["status"] == "SUCCEEDED"
    assert signal_record(synced, signal["signal_id"])["report"]["status"] == "accepted"
    _move_price(synced, price * Decimal("0.995"))

    _sync(synced)

    portfolio = synced.api("GET", "/portfolio", scope="read").json()
    books = {s["strategy_id"]: s["books"] for s in portfolio["strategies"]}
    assert [(b["symbol"], Decimal(b["quantity"])) for b in books[strategy]] == [("BTC/USDT", Decimal("0.002"))]


def test_signal_of_a_strategy_with_a_stop_opens_a_position_protected_on_the_venue(synced: StackHandle) -> None:
    signal = new_signal(quantity="0.002", protection={"stop_loss_pct": "3", "take_profit_pct": "5"})

    assert run(synced, signal)["status"] == "SUCCEEDED"

    report = signal_record(synced, signal["signal_id"])["report"]
    assert report["status"] == "filled"
    kinds = {e["client_order_id"]: e["kind"] for e in report["exits"]}
    assert set(kinds.values()) == {"oco"}, report["exits"]  # the stop and the take profit, one order list
    venue = [o for client_order_id in kinds for o in synced.simulator.venue_orders(client_order_id)]
    assert sorted(o["type"] for o in venue) == ["LIMIT_MAKER", "STOP_LOSS_LIMIT"]


def test_trailing_stop_follows_the_price_up_and_closes_the_position_when_crossed(synced: StackHandle) -> None:
    position = position_quantity(synced)
    command = order_command(quantity="0.002", protection={"trailing_stop_pct": "2"})
    status, body = api(synced, "POST", "/orders", command)
    assert status == 201, body
    entry = body["order"]
    assert [e["kind"] for e in entry["exits"]] == ["trailing_stop"], entry["exits"]
    first = entry["exits"][0]
    fill = Decimal(entry["avg_fill_price"])

    _move_price(synced, fill * Decimal("1.05"))  # the position gains 5 %: the stop follows
    _sync(synced)

    moved = synced.simulator.venue_orders(f"{command['client_order_id']}-t1")
    assert [(o["type"], o["status"]) for o in moved] == [("STOP_LOSS_LIMIT", "NEW")]
    assert Decimal(str(moved[0]["stop_price"])) > Decimal(first["stop_price"])
    assert [o["status"] for o in synced.simulator.venue_orders(first["client_order_id"])] == ["CANCELED"]

    _move_price(synced, Decimal(str(moved[0]["stop_price"])) * Decimal("0.99"))
    _sync(synced)

    assert [o["status"] for o in synced.simulator.venue_orders(f"{command['client_order_id']}-t1")] == ["FILLED"]
    assert position_quantity(synced) == position


def test_exits_the_venue_throttled_are_placed_by_the_next_sync(synced: StackHandle) -> None:
    # The entry is taken; its stop and take profit (one OCO list) meet Binance's order throttle.
    synced.simulator.inject_error("/api/v3/orderList/oco", code=-1015, http_status=429)
    command = order_command(quantity="0.002", protection={"stop_loss_pct": "3", "take_profit_pct": "5"})
    status, body = api(synced, "POST", "/orders", command)
    assert status == 201, body
    assert (body["order"]["status"], body["order"]["exits"]) == ("filled", [])

    # A sync inside the client's back-off after the 429 is a miss (unreachable, nothing changed);
    # the next one places the exits.
    exits: list[dict[str, Any]] = []
    for _ in range(10):
        _sync(synced)
        exits = _order(synced, command["client_order_id"])["exits"]
        if exits:
            break
        time.sleep(1)

    assert [e["kind"] for e in exits] == ["oco", "oco"], exits
    venue = [o for e in exits for o in synced.simulator.venue_orders(e["client_order_id"])]
    assert sorted((o["type"], o["status"]) for o in venue) == [("LIMIT_MAKER", "NEW"), ("STOP_LOSS_LIMIT", "NEW")]
    _sync(synced)
    assert len([o for e in exits for o in synced.simulator.venue_orders(e["client_order_id"])]) == 2  # placed once


def test_strategys_closing_signal_cancels_the_oco_that_locks_its_coins_and_sells(synced: StackHandle) -> None:
    position = position_quantity(synced)
    opening = new_signal(quantity="0.002", protection={"stop_loss_pct": "3", "take_profit_pct": "5"})
    assert run(synced, opening)["status"] == "SUCCEEDED"
    exits = signal_record(synced, opening["signal_id"])["report"]["exits"]
    assert [e["kind"] for e in exits] == ["oco", "oco"], exits

    # The OCO locks the 0.002 BTC at the venue: the sell would be refused for insufficient
    # balance unless the exits go first.
    closing = new_signal(side="sell", quantity="0.002")
    assert run(synced, closing)["status"] == "SUCCEEDED"
    _sync(synced)

    assert signal_record(synced, closing["signal_id"])["report"]["status"] == "filled"
    assert [_order(synced, e["client_order_id"])["status"] for e in exits] == ["canceled", "canceled"]
    venue = [o["status"] for e in exits for o in synced.simulator.venue_orders(e["client_order_id"])]
    assert venue == ["CANCELED", "CANCELED"], venue
    assert position_quantity(synced) == position
    status, body = api(synced, "GET", "/orders?status=open")
    assert (status, body["orders"]) == (200, [])
    free, locked = synced.simulator.balance("BTC")
    assert (free >= 0, locked) == (True, 0), (free, locked)  # nothing of it is held by an order any more
