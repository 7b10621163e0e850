"""``POST /ninja/*`` through the local API: scopes, validation, idempotency, and what lands in the
NinjaTrader orders and positions tables (never the engine's) and the signals table."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from typing import Any

import pytest

from fks.errors import TemporaryError
from fks.ninja.reports import NinjaFillReport
from fks_adapters.ninja import NinjaReportStore
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only  # the local Lambda runtime runs the handler


def _ids() -> tuple[str, str, str]:
    """A fresh signal, order id and NT8 account, so tests on the one session stack never meet."""
    tag = uuid.uuid4().hex[:8]
    return f"sig-{tag}", f"fks{tag}ab-sig-{tag}", f"ACC-{tag}"


def _fill(order_id: str, signal_id: str, account: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "order_id": order_id,
        "signal_id": signal_id,
        "account": account,
        "instrument": "ES 12-25",
        "action": "BUY",
        "quantity": 1,
        "price": "5000.25",
        "cumulative_filled": 1,
    }
    body.update(overrides)
    return body


def _post(stack: StackHandle, kind: str, body: dict[str, Any], key: str | None, scope: str = "trade") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return stack.api("POST", f"/ninja/{kind}", scope=scope, json=body, headers=headers)


def _position(stack: StackHandle, account: str, symbol: str = "ES 12-25") -> dict[str, Any]:
    item = stack.clients("dynamodb").get_item(
        TableName=stack.deployed.physical_id("NinjaPositionsTable"),
        Key={"account": {"S": account}, "symbol": {"S": symbol}},
        ConsistentRead=True,
    )
    return {name: next(iter(value.values())) for name, value in item.get("Item", {}).items()}


def test_a_read_key_cannot_report(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()

    response = _post(local_stack, "fills", _fill(order_id, signal_id, account), f"{order_id}:1", scope="read")

    assert response.status_code == 403
    assert "trade" in response.json()["message"]
    assert _position(local_stack, account) == {}


def test_an_order_id_the_bridge_never_makes_is_a_400_and_squats_nothing(local_stack: StackHandle) -> None:
    signal_id, _, _ = _ids()
    state = {"order_id": "0", "signal_id": signal_id, "state": "ACCEPTED", "filled": 0, "average_fill_price": "0"}

    response = _post(local_stack, "orders", state, f"squat-{signal_id}")

    assert response.status_code == 400
    assert [p["field"] for p in response.json()["details"]["problems"]] == ["body.order_id"]
    assert local_stack.api("GET", "/orders/0", scope="read").status_code == 404
    assert local_stack.api("GET", "/ninja/orders/0", scope="read").status_code == 400


def test_nt8_orders_and_positions_land_in_their_own_tables_never_the_engines(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()

    assert _post(local_stack, "fills", _fill(order_id, signal_id, account), f"{order_id}:1").status_code == 201

    dynamodb = local_stack.clients("dynamodb")
    engine_order = dynamodb.get_item(
        TableName=local_stack.deployed.physical_id("OrdersTable"), Key={"client_order_id": {"S": order_id}}
    )
    engine_position = dynamodb.get_item(
        TableName=local_stack.deployed.physical_id("PositionsTable"),
        Key={"account": {"S": account}, "symbol": {"S": "ES 12-25"}},
    )
    assert "Item" not in engine_order
    assert "Item" not in engine_position
    assert local_stack.api("GET", f"/orders/{order_id}", scope="read").status_code == 404
    order = local_stack.api("GET", f"/ninja/orders/{order_id}", scope="read").json()["order"]
    assert (order["client_order_id"], order["venue"]) == (order_id, "ninjatrader")
    positions = local_stack.api("GET", "/ninja/positions", scope="read", params={"account": account}).json()
    assert [(p["symbol"], p["quantity"]) for p in positions["positions"]] == [("ES 12-25", "1")]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"price": "1e"}, "body.price"), ({"cumulative_filled": 0}, "body.cumulative_filled"), ({"fee": "1"}, "body.fee")],
)
def test_a_malformed_fill_is_a_400_naming_the_field(
    local_stack: StackHandle, change: dict[str, Any], field: str
) -> None:
    signal_id, order_id, account = _ids()

    response = _post(local_stack, "fills", {**_fill(order_id, signal_id, account), **change}, f"{order_id}:1")

    assert response.status_code == 400
    assert field in [p["field"] for p in response.json()["details"]["problems"]]
    assert _position(local_stack, account) == {}


def test_a_fill_without_an_idempotency_key_is_a_400(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()

    response = _post(local_stack, "fills", _fill(order_id, signal_id, account), None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["message"]


def test_a_replayed_fill_counts_once(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()
    body = _fill(order_id, signal_id, account, quantity=2, cumulative_filled=2)

    first = _post(local_stack, "fills", body, f"{order_id}:2")
    replay = _post(local_stack, "fills", body, f"{order_id}:2")
    # The bridge re-reading the same snapshot after a restart sends it under the same key; a
    # client that lost the key still cannot book it twice: the order's booked quantity guards.
    other_key = _post(local_stack, "fills", body, "another-key")

    assert (first.status_code, replay.status_code, other_key.status_code) == (201, 200, 200)
    assert (replay.json()["outcome"], other_key.json()["outcome"]) == ("duplicate", "ignored")
    position = _position(local_stack, account)
    assert (position["quantity"], position["side"], position["avg_entry_price"]) == ("2", "long", "5000.25")


def test_the_same_key_on_a_different_report_is_a_409(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()
    assert _post(local_stack, "fills", _fill(order_id, signal_id, account), "k-" + order_id).status_code == 201

    response = _post(local_stack, "fills", _fill(order_id, signal_id, account, price="5001"), "k-" + order_id)

    assert response.status_code == 409
    assert _position(local_stack, account)["avg_entry_price"] == "5000.25"


def test_an_unknown_contract_is_refused_and_nothing_is_written(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()

    response = _post(local_stack, "fills", _fill(order_id, signal_id, account, instrument="ZZ 12-25"), "k")

    assert response.status_code == 422
    assert "no point value for 'ZZ'" in response.json()["message"]
    assert _position(local_stack, account, "ZZ 12-25") == {}
    assert local_stack.api("GET", f"/ninja/orders/{order_id}", scope="read").status_code == 404


def test_fills_and_states_show_through_get_orders(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()
    state = {"order_id": order_id, "signal_id": signal_id, "state": "ACCEPTED", "filled": 0, "average_fill_price": "0"}
    assert _post(local_stack, "orders", state, f"{order_id}:ACCEPTED:0").status_code == 201
    partial = _fill(order_id, signal_id, account, quantity=1, cumulative_filled=1, price="5000")
    rest = _fill(order_id, signal_id, account, quantity=2, cumulative_filled=3, price="5001.5")
    for body in (partial, rest):
        assert _post(local_stack, "fills", body, f"{order_id}:{body['cumulative_filled']}").status_code == 201
    filled = {**state, "state": "FILLED", "filled": 3, "average_fill_price": "5001"}
    assert _post(local_stack, "orders", filled, f"{order_id}:FILLED:3").status_code == 201
    late = {**state, "state": "CANCELLED", "filled": 3}
    assert _post(local_stack, "orders", late, f"{order_id}:CANCELLED:3").json()["outcome"] == "ignored"

    order = local_stack.api("GET", f"/ninja/orders/{order_id}", scope="read").json()["order"]

    assert order["venue"] == "ninjatrader"
    assert (order["status"], order["nt8_state"], order["account"], order["symbol"], order["side"]) == (
        "filled",
        "FILLED",
        account,
        "ES 12-25",
        "buy",
    )
    assert (order["quantity"], order["filled_qty"], order["leaves_qty"], order["avg_fill_price"]) == (
        "3",
        "3",
        "0",
        "5001",
    )
    assert [(f["quantity"], f["price"]) for f in order["fills"]] == [("1", "5000"), ("2", "5001.5")]


def test_a_round_trip_realises_dollars_with_the_contract_multiplier(local_stack: StackHandle) -> None:
    signal_id, buy_id, account = _ids()
    sell_id = buy_id.replace("ab-", "cd-")
    buy = _fill(buy_id, signal_id, account, quantity=2, cumulative_filled=2, price="5000")
    sell = _fill(sell_id, signal_id, account, action="SELL", quantity=3, cumulative_filled=3, price="5002.50")

    for body in (buy, sell):
        assert _post(local_stack, "fills", body, f"{body['order_id']}:{body['cumulative_filled']}").status_code == 201

    position = _position(local_stack, account)
    assert (position["quantity"], position["side"], position["avg_entry_price"]) == ("-1", "short", "5002.50")
    assert Decimal(position["realized_pnl"]) == Decimal("250")  # 2 contracts x 2.5 points x $50
    assert (position["fees"], position["version"], position["last_client_order_id"]) == ("0", "2", sell_id)


def test_nt8_position_reports_sit_beside_the_booked_figures(local_stack: StackHandle) -> None:
    signal_id, order_id, account = _ids()
    report = {
        "instrument": "ES 12-25 Globex",
        "account": account,
        "position": "SHORT",
        "quantity": 2,
        "average_entry_price": "4999",
    }
    assert _post(local_stack, "positions", report, None).status_code == 201
    opened_by_hand = _position(local_stack, account)
    assert (opened_by_hand["quantity"], opened_by_hand["reported_quantity"]) == ("0", "-2")

    fill = _fill(order_id, signal_id, account, action="SELL", quantity=2, cumulative_filled=2, price="4999")
    assert _post(local_stack, "fills", fill, f"{order_id}:2").status_code == 201

    position = _position(local_stack, account)
    assert (position["quantity"], position["reported_quantity"], position["reported_average_price"]) == (
        "-2",
        "-2",
        "4999",
    )
    assert (position["reported_position"], position["reported_instrument"]) == ("SHORT", "ES 12-25 Globex")
    assert int(position["reported_at_ms"]) > 0


def test_a_refusal_is_recorded_beside_the_signal_history_once(local_stack: StackHandle) -> None:
    signal_id, _, _ = _ids()
    body = {"signal_id": signal_id, "reason": "max_contracts 2 exceeded", "rule": "max_contracts"}

    first = _post(local_stack, "refusals", body, f"refusal:{signal_id}")
    replay = _post(local_stack, "refusals", body, f"refusal:{signal_id}")

    assert (first.status_code, replay.json()["outcome"]) == (201, "duplicate")
    items = local_stack.clients("dynamodb").query(
        TableName=local_stack.deployed.physical_id("SignalsTable"),
        KeyConditionExpression="pk = :pk AND sk = :sk",
        ExpressionAttributeValues={":pk": {"S": f"SIGNAL#{signal_id}"}, ":sk": {"S": "NINJA#REFUSAL"}},
        ConsistentRead=True,
    )["Items"]
    assert [(i["rule"]["S"], i["reason"]["S"]) for i in items] == [("max_contracts", "max_contracts 2 exceeded")]
    assert "status" not in items[0]  # kept out of the signal history's status index
    # The signal's own history item says how it ended, once.
    history = local_stack.api("GET", f"/signals/{signal_id}", scope="read").json()["signal"]
    assert history["status"] == "refused"
    assert history["reason"] == "NinjaTrader bridge refused it (max_contracts): max_contracts 2 exceeded"


def test_concurrent_fills_on_one_position_all_count(local_stack: StackHandle) -> None:
    signal_id, _, account = _ids()
    store = NinjaReportStore(
        local_stack.deployed.physical_id("NinjaOrdersTable"),
        local_stack.deployed.physical_id("NinjaPositionsTable"),
        local_stack.deployed.physical_id("SignalsTable"),
        local_stack.deployed.physical_id("IdempotencyTable"),
        client=local_stack.clients("dynamodb"),
    )
    fills = [
        NinjaFillReport.model_validate(_fill(f"fks{i:010d}-{signal_id}", signal_id, account, price=str(5000 + i)))
        for i in range(12)
    ]
    outcomes: list[str] = []

    def book(fill: NinjaFillReport) -> None:
        # As the bridge does: a TemporaryError (503) is retried; what matters is that nothing is lost.
        for _ in range(5):
            try:
                outcomes.append(store.record_fill(fill, None))
                return
            except TemporaryError:
                continue

    threads = [threading.Thread(target=book, args=(fill,)) for fill in fills]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["recorded"] * 12
    position = _position(local_stack, account)
    assert (position["quantity"], position["version"]) == ("12", "12")
    assert Decimal(position["avg_entry_price"]) == Decimal("5005.5")


def test_an_account_breach_is_recorded_but_is_not_a_signal_in_the_history(local_stack: StackHandle) -> None:
    refusal_id = f"account:e2e-{uuid.uuid4().hex[:6]}:2026-11-21"
    body = {
        "signal_id": refusal_id,
        "reason": "account breached daily_loss_limit; flattened",
        "rule": "daily_loss_limit",
    }

    response = _post(local_stack, "refusals", body, f"refusal:{refusal_id}")

    assert response.status_code == 201, response.text
    item = local_stack.clients("dynamodb").get_item(
        TableName=local_stack.deployed.physical_id("SignalsTable"),
        Key={"pk": {"S": f"SIGNAL#{refusal_id}"}, "sk": {"S": "STATUS"}},
        ConsistentRead=True,
    )
    assert "Item" not in item
