"""The deployed Rust execute_order function: fills on the exchange simulator, books in DynamoDB,
and never places an order twice for one client order id."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest

from fks_adapters.exchanges import make_exchange
from fks_local.exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
ACCOUNT = "binance-spot"


def _command(**overrides: Any) -> dict[str, Any]:
    command: dict[str, Any] = {
        "client_order_id": f"it-{uuid.uuid4().hex[:16]}",
        "account": ACCOUNT,
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "market",
        "quantity": "0.001",
    }
    command.update(overrides)
    return command


def _invoke(local_stack: StackHandle, event: object) -> tuple[dict[str, Any], dict[str, Any]]:
    response = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function("ExecuteOrderFunction"), Payload=json.dumps(event).encode()
    )
    return response, json.loads(response["Payload"].read())


def _order_item(local_stack: StackHandle, client_order_id: str) -> dict[str, Any] | None:
    table = local_stack.deployed.physical_id("OrdersTable")
    item = local_stack.clients("dynamodb").get_item(
        TableName=table, Key={"client_order_id": {"S": client_order_id}}, ConsistentRead=True
    )
    found: dict[str, Any] | None = item.get("Item")
    return found


def _position_quantity(local_stack: StackHandle) -> Decimal:
    table = local_stack.deployed.physical_id("PositionsTable")
    item = local_stack.clients("dynamodb").get_item(
        TableName=table, Key={"account": {"S": ACCOUNT}, "symbol": {"S": "BTCUSDT"}}, ConsistentRead=True
    )
    return Decimal(item["Item"]["quantity"]["N"]) if "Item" in item else Decimal(0)


def _simulator_orders_with(local_stack: StackHandle, client_order_id: str) -> int:
    assert local_stack.exchange_url is not None
    exchange = make_exchange(
        "binance", base_url=local_stack.exchange_url, api_key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET
    )
    orders = exchange.fetch_orders("BTC/USDT")
    return sum(1 for o in orders if o["clientOrderId"] == client_order_id)


def test_execute_order_fills_on_simulator_and_books_order_and_position(local_stack: StackHandle) -> None:
    command = _command()
    before = _position_quantity(local_stack)

    response, report = _invoke(local_stack, command)

    assert "FunctionError" not in response, report
    assert report["status"] == "filled"
    assert len(report["fills"]) == 1
    item = _order_item(local_stack, command["client_order_id"])
    assert item is not None
    assert item["status"]["S"] == "filled"
    assert Decimal(item["filled_qty"]["N"]) == Decimal("0.001")
    assert _position_quantity(local_stack) == before + Decimal("0.001")
    assert _simulator_orders_with(local_stack, command["client_order_id"]) == 1


def test_execute_order_same_client_order_id_again_places_nothing_new(local_stack: StackHandle) -> None:
    command = _command(side="sell", quantity="0.0005")
    _invoke(local_stack, command)
    after_first = _position_quantity(local_stack)

    response, report = _invoke(local_stack, command)

    assert "FunctionError" not in response, report
    assert report["duplicate"] is True
    assert report["fills"] == []
    assert _position_quantity(local_stack) == after_first
    assert _simulator_orders_with(local_stack, command["client_order_id"]) == 1


def test_execute_order_bad_input_is_bad_request_and_stores_nothing(local_stack: StackHandle) -> None:
    command = _command(quantity="0.000001")

    response, body = _invoke(local_stack, command)

    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "BadRequest"
    assert _order_item(local_stack, command["client_order_id"]) is None


def test_execute_order_exchange_refusal_is_recorded_as_rejected(local_stack: StackHandle) -> None:
    # 5 BTC at 41000 is more USDT than the simulator account holds: -2010, insufficient balance.
    command = _command(type="limit", quantity="5", price="41000.00")

    response, report = _invoke(local_stack, command)

    assert "FunctionError" not in response, report
    assert report["status"] == "rejected"
    item = _order_item(local_stack, command["client_order_id"])
    assert item is not None
    assert item["status"]["S"] == "rejected"


def _set_trading_state(local_stack: StackHandle, state: str | None) -> None:
    table = local_stack.deployed.physical_id("RiskStateTable")
    dynamodb = local_stack.clients("dynamodb")
    if state is None:
        dynamodb.delete_item(TableName=table, Key={"account": {"S": ACCOUNT}})
    else:
        dynamodb.put_item(TableName=table, Item={"account": {"S": ACCOUNT}, "state": {"S": state}})


def test_execute_order_when_halted_is_denied_and_reducing_allows_only_reducing_orders(
    local_stack: StackHandle,
) -> None:
    _invoke(local_stack, _command(quantity="0.001"))
    try:
        _set_trading_state(local_stack, "halted")
        _, halted = _invoke(local_stack, _command(side="sell", quantity="0.0005"))
        _set_trading_state(local_stack, "reducing")
        _, increasing = _invoke(local_stack, _command(quantity="0.0005"))
        response, reducing = _invoke(local_stack, _command(side="sell", quantity="0.0005"))
    finally:
        _set_trading_state(local_stack, None)

    assert halted["errorType"] == "RiskDenied"
    assert increasing["errorType"] == "RiskDenied"
    assert "FunctionError" not in response, reducing
    assert reducing["status"] == "filled"


def _api(local_stack: StackHandle, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """A request through the local API gateway with an admin key: status and parsed body."""
    response = local_stack.api(method, path, scope="admin", json=body)
    return response.status_code, response.json() if response.content else None


def test_api_places_order_through_rust_function_and_reads_order_and_position(local_stack: StackHandle) -> None:
    command = _command()

    placed_status, placed = _api(local_stack, "POST", "/orders", command)
    again_status, again = _api(local_stack, "POST", "/orders", command)
    order_status, order = _api(local_stack, "GET", f"/orders/{command['client_order_id']}")
    position_status, position = _api(local_stack, "GET", "/positions/BTCUSDT")
    _, listed = _api(local_stack, "GET", "/positions")

    assert (placed_status, placed["order"]["status"]) == (201, "filled")
    assert (again_status, again["order"]["duplicate"]) == (200, True)
    assert (order_status, order["order"]["status"]) == (200, "filled")
    assert position_status == 200
    assert Decimal(position["position"]["quantity"]) == _position_quantity(local_stack)
    assert any(p["symbol"] == "BTCUSDT" for p in listed["positions"])


def test_api_bad_order_is_400_and_unknown_order_is_404(local_stack: StackHandle) -> None:
    bad_status, bad = _api(local_stack, "POST", "/orders", _command(quantity="0.000001"))
    missing_status, _ = _api(local_stack, "GET", "/orders/never-placed")

    assert (bad_status, bad["error"]) == (400, "BadRequest")
    assert missing_status == 404


def test_api_halt_denies_orders_until_resume(local_stack: StackHandle) -> None:
    try:
        halt_status, halted = _api(local_stack, "POST", "/risk/halt")
        denied_status, denied = _api(local_stack, "POST", "/orders", _command())
    finally:
        _api(local_stack, "POST", "/risk/resume")
    resumed_status, resumed = _api(local_stack, "POST", "/orders", _command())

    assert (halt_status, halted["trading_state"]) == (200, "halted")
    assert (denied_status, denied["error"]) == (422, "RiskDenied")
    assert (resumed_status, resumed["order"]["status"]) == (201, "filled")
