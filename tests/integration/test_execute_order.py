"""The deployed Rust execute_order function: fills on the exchange simulator, books in DynamoDB,
and never places an order twice for one client order id."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from tests.integration.conftest import module_stack
from tests.integration.execution_helpers import (
    ACCOUNT,
    api,
    invoke,
    order_command,
    order_item,
    position_quantity,
    resting_buy_price,
    set_trading_state,
    simulator_orders_with,
)
from tests.stack_handle import StackHandle

# Moves prices, reconciles or counts collection: see ``stack_of_its_own``.
local_stack = module_stack("execorder")


pytestmark = pytest.mark.moto_only


def test_execute_order_fills_on_simulator_and_books_order_and_position(local_stack: StackHandle) -> None:
    command = order_command()
    before = position_quantity(local_stack)

    response, report = invoke(local_stack, command)

    assert "FunctionError" not in response, report
    assert report["status"] == "filled"
    assert len(report["fills"]) == 1
    item = order_item(local_stack, command["client_order_id"])
    assert item is not None
    assert item["status"]["S"] == "filled"
    assert Decimal(item["filled_qty"]["N"]) == Decimal("0.001")
    assert position_quantity(local_stack) == before + Decimal("0.001")
    assert len(simulator_orders_with(local_stack, command["client_order_id"])) == 1


def test_execute_order_same_client_order_id_again_places_nothing_new(local_stack: StackHandle) -> None:
    command = order_command(side="sell", quantity="0.0005")
    invoke(local_stack, command)
    after_first = position_quantity(local_stack)

    response, report = invoke(local_stack, command)

    assert "FunctionError" not in response, report
    assert report["duplicate"] is True
    assert report["fills"] == []
    assert position_quantity(local_stack) == after_first
    assert len(simulator_orders_with(local_stack, command["client_order_id"])) == 1


def test_execute_order_bad_input_is_bad_request_and_stores_nothing(local_stack: StackHandle) -> None:
    command = order_command(quantity="0.000001")

    response, body = invoke(local_stack, command)

    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "BadRequest"
    assert order_item(local_stack, command["client_order_id"]) is None


def test_execute_order_insufficient_balance_is_insufficient_funds_and_recorded_as_rejected(
    local_stack: StackHandle,
) -> None:
    # 5 BTC at 41000 is more USDT than the simulator account holds: -2010, insufficient balance.
    command = order_command(type="limit", quantity="5", price="41000.00")

    response, body = invoke(local_stack, command)
    _, again = invoke(local_stack, command)

    assert response.get("FunctionError") == "Unhandled", body
    assert body["errorType"] == "InsufficientFunds"
    assert "insufficient balance" in body["errorMessage"]
    assert again["errorType"] == "InsufficientFunds", "a retry names the same refusal and places nothing"
    item = order_item(local_stack, command["client_order_id"])
    assert item is not None
    assert (item["status"]["S"], item["refusal"]["S"]) == ("rejected", "InsufficientFunds")


def test_execute_order_other_exchange_refusal_is_permanent_error(local_stack: StackHandle) -> None:
    # 9001 BTC passes the function's own checks but not the simulator's LOT_SIZE (max 9000): -1013.
    command = order_command(type="limit", quantity="9001", price="1.00")

    response, body = invoke(local_stack, command)

    assert response.get("FunctionError") == "Unhandled", body
    assert body["errorType"] == "PermanentError", body


def test_api_insufficient_funds_is_422_naming_it(local_stack: StackHandle) -> None:
    status, body = api(local_stack, "POST", "/orders", order_command(type="limit", quantity="5", price="41000.00"))

    assert (status, body["error"]) == (422, "InsufficientFunds")


def test_execute_order_when_halted_is_denied_and_reducing_allows_only_reducing_orders(
    local_stack: StackHandle,
) -> None:
    invoke(local_stack, order_command(quantity="0.001"))
    try:
        set_trading_state(local_stack, "halted")
        _, halted = invoke(local_stack, order_command(side="sell", quantity="0.0005"))
        set_trading_state(local_stack, "reducing")
        _, increasing = invoke(local_stack, order_command(quantity="0.0005"))
        response, reducing = invoke(local_stack, order_command(side="sell", quantity="0.0005"))
    finally:
        set_trading_state(local_stack, None)

    assert halted["errorType"] == "RiskDenied"
    assert increasing["errorType"] == "RiskDenied"
    assert "FunctionError" not in response, reducing
    assert reducing["status"] == "filled"


def test_api_places_order_through_rust_function_and_reads_order_and_position(local_stack: StackHandle) -> None:
    command = order_command()

    placed_status, placed = api(local_stack, "POST", "/orders", command)
    again_status, again = api(local_stack, "POST", "/orders", command)
    order_status, order = api(local_stack, "GET", f"/orders/{command['client_order_id']}")
    position_status, position = api(local_stack, "GET", "/positions/BTCUSDT")
    _, listed = api(local_stack, "GET", "/positions")

    assert (placed_status, placed["order"]["status"]) == (201, "filled")
    assert (again_status, again["order"]["duplicate"]) == (200, True)
    assert (order_status, order["order"]["status"]) == (200, "filled")
    assert position_status == 200
    assert Decimal(position["position"]["quantity"]) == position_quantity(local_stack)
    assert any(p["symbol"] == "BTCUSDT" for p in listed["positions"])


def test_api_bad_order_is_400_and_unknown_order_is_404(local_stack: StackHandle) -> None:
    bad_status, bad = api(local_stack, "POST", "/orders", order_command(quantity="0.000001"))
    missing_status, _ = api(local_stack, "GET", "/orders/never-placed")

    assert (bad_status, bad["error"]) == (400, "BadRequest")
    assert missing_status == 404


def test_api_halt_denies_orders_until_resume(local_stack: StackHandle) -> None:
    try:
        halt_status, halted = api(local_stack, "POST", "/risk/halt")
        denied_status, denied = api(local_stack, "POST", "/orders", order_command())
    finally:
        api(local_stack, "POST", "/risk/resume")
    resumed_status, resumed = api(local_stack, "POST", "/orders", order_command())

    assert (halt_status, halted["trading_state"]) == (200, "halted")
    assert (denied_status, denied["error"]) == (422, "RiskDenied")
    assert (resumed_status, resumed["order"]["status"]) == (201, "filled")


def test_cancel_command_on_the_function_cancels_a_resting_order_at_the_exchange(local_stack: StackHandle) -> None:
    command = order_command(type="limit", price=resting_buy_price(local_stack))
    _, placed = invoke(local_stack, command)
    cancel = {"action": "cancel", "client_order_id": command["client_order_id"], "account": ACCOUNT}

    response, report = invoke(local_stack, cancel)

    assert placed["status"] == "accepted", placed
    assert "FunctionError" not in response, report
    assert report["status"] == "canceled"
    item = order_item(local_stack, command["client_order_id"])
    assert item is not None
    assert item["status"]["S"] == "canceled"
    [at_exchange] = simulator_orders_with(local_stack, command["client_order_id"])
    assert at_exchange["status"] == "canceled"


def test_order_command_without_action_is_still_an_order(local_stack: StackHandle) -> None:
    response, report = invoke(local_stack, order_command())

    assert "FunctionError" not in response, report
    assert report["status"] == "filled"


def test_api_delete_order_cancels_it_and_cancelling_again_is_harmless(local_stack: StackHandle) -> None:
    command = order_command(type="limit", price=resting_buy_price(local_stack))
    api(local_stack, "POST", "/orders", command)
    path = f"/orders/{command['client_order_id']}"

    canceled_status, canceled = api(local_stack, "DELETE", path)
    again_status, again = api(local_stack, "DELETE", path)
    read_status, read = api(local_stack, "GET", path)

    assert (canceled_status, canceled["order"]["status"]) == (200, "canceled")
    assert (again_status, again["order"]["status"], again["order"]["duplicate"]) == (200, "canceled", True)
    assert (read_status, read["order"]["status"]) == (200, "canceled")
    assert len(simulator_orders_with(local_stack, command["client_order_id"])) == 1


def test_api_delete_unknown_order_is_404_and_filled_order_is_409_naming_its_state(local_stack: StackHandle) -> None:
    filled = order_command()
    api(local_stack, "POST", "/orders", filled)

    missing_status, missing = api(local_stack, "DELETE", "/orders/never-placed")
    final_status, final = api(local_stack, "DELETE", f"/orders/{filled['client_order_id']}")
    bad_status, bad = api(local_stack, "DELETE", "/orders/not%20an%20id")

    assert (missing_status, missing["error"]) == (404, "NotFound")
    assert (final_status, final["error"]) == (409, "Conflict")
    assert "filled" in final["message"]
    assert (bad_status, bad["error"]) == (400, "BadRequest")


def test_api_delete_order_needs_the_trade_scope(local_stack: StackHandle) -> None:
    response = local_stack.api("DELETE", "/orders/never-placed", scope="read")

    assert response.status_code == 403


def test_api_positions_of_another_account_an_unknown_one_and_a_malformed_one(local_stack: StackHandle) -> None:
    # A second account in the accounts table, trading on paper: its position is the engine's own booking.
    account = f"view-{uuid.uuid4().hex[:8]}"
    assert api(local_stack, "PUT", f"/accounts/{account}", {"venue": "binance", "mode": "paper"})[0] == 200
    placed_status, placed = api(local_stack, "POST", "/orders", order_command(account=account, quantity="0.001"))
    api(local_stack, "PUT", f"/accounts/{account}", {"venue": "binance", "mode": "paper", "enabled": False})

    other_status, other = api(local_stack, "GET", f"/positions?account={account}")
    default_status, default = api(local_stack, "GET", "/positions")
    unknown_status, unknown = api(local_stack, "GET", "/positions?account=nobody-here")
    bad_status, bad = api(local_stack, "GET", "/positions?account=..%2Fx")

    assert (placed_status, placed["order"]["status"]) == (201, "filled")
    assert other_status == 200
    assert [(p["account"], p["quantity"]) for p in other["positions"]] == [(account, "0.001")]
    assert default_status == 200
    assert all(p["account"] == ACCOUNT for p in default["positions"])
    assert unknown_status == 404
    assert "nobody-here" in unknown["message"]
    assert (bad_status, bad["error"]) == (400, "BadRequest")


def _simulator(local_stack: StackHandle) -> Any:
    assert local_stack.simulator is not None, "these tests inject faults into the local simulator"
    return local_stack.simulator


def test_execute_order_twenty_concurrent_deliveries_while_the_venue_is_slow_place_one_order(
    local_stack: StackHandle,
) -> None:
    simulator = _simulator(local_stack)
    command = order_command()
    before = position_quantity(local_stack)
    # The venue answers the placement late, so every other delivery arrives while it is in flight.
    simulator.inject_faults([{"path": "/api/v3/order", "method": "POST", "kind": "delay", "delay_ms": 1500}])
    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(lambda _: invoke(local_stack, command), range(20)))
    finally:
        simulator.clear_errors()

    reports = [body for response, body in answers if "FunctionError" not in response]
    errors = {body["errorType"] for response, body in answers if "FunctionError" in response}
    assert len(simulator.venue_orders(command["client_order_id"])) == 1
    assert errors <= {"TemporaryError"}, answers
    assert [r["duplicate"] for r in reports].count(False) == 1
    assert all(r["status"] == "filled" for r in reports)
    assert position_quantity(local_stack) == before + Decimal("0.001")


def test_execute_order_lost_answer_keeps_the_claim_and_retries_place_nothing(local_stack: StackHandle) -> None:
    simulator = _simulator(local_stack)
    # A resting order far under the price (under what other tests move it to): when a later
    # sync adopts it, it has moved no position other tests count.
    far_under = (Decimal(resting_buy_price(local_stack)) / 2).quantize(Decimal("0.01"))
    command = order_command(type="limit", price=str(far_under))
    # The order is placed, its answer lost: the function cannot tell whether it exists.
    simulator.inject_faults([{"path": "/api/v3/order", "method": "POST", "kind": "lose_answer"}])
    try:
        lost_response, lost = invoke(local_stack, command)
        retry_response, retry = invoke(local_stack, command)
    finally:
        simulator.clear_errors()

    assert (lost_response.get("FunctionError"), lost["errorType"]) == ("Unhandled", "TemporaryError"), lost
    assert (retry_response.get("FunctionError"), retry["errorType"]) == ("Unhandled", "TemporaryError"), retry
    assert "another invocation" in retry["errorMessage"]
    assert len(simulator.venue_orders(command["client_order_id"])) == 1
    item = order_item(local_stack, command["client_order_id"])
    assert item is not None
    assert item["status"]["S"] == "submitted"
    assert "report" not in item


def test_sync_books_a_resting_limit_filled_later_once(local_stack: StackHandle) -> None:
    simulator = _simulator(local_stack)
    # Under the price, but above where other tests rest their orders, so the move fills this one.
    price = str((simulator.price("BTCUSDT") * Decimal("0.95")).quantize(Decimal("0.01")))
    command = order_command(type="limit", price=price)
    _, placed = invoke(local_stack, command)
    before = position_quantity(local_stack)
    old_price = simulator.set_price("BTCUSDT", Decimal(price) - Decimal("1.00"))
    try:
        first_response, first = invoke(local_stack, {"action": "sync", "account": ACCOUNT})
        _, second = invoke(local_stack, {"action": "sync", "account": ACCOUNT})
    finally:
        simulator.set_price("BTCUSDT", old_price)

    assert placed["status"] == "accepted", placed
    assert "FunctionError" not in first_response, first
    assert first["unreachable"] is False
    ours = [r for r in first["reports"] if r["client_order_id"] == command["client_order_id"]]
    assert [r["status"] for r in ours] == ["filled"], first
    assert len(ours[0]["fills"]) == 1
    assert ours[0]["fills"][0]["trade_id"]
    assert all(r["client_order_id"] != command["client_order_id"] for r in second["reports"]), second
    # Every fill the sync reported is in the position (another test's resting order may fill too).
    fills = [f for r in first["reports"] if r["symbol"] == "BTCUSDT" for f in r["fills"]]
    booked = sum((Decimal(f["quantity"]) * (1 if f["side"] == "buy" else -1) for f in fills), Decimal(0))
    assert position_quantity(local_stack) == before + booked
    item = order_item(local_stack, command["client_order_id"])
    assert item is not None
    assert item["status"]["S"] == "filled"


def test_sync_of_another_account_is_bad_request(local_stack: StackHandle) -> None:
    response, body = invoke(local_stack, {"action": "sync", "account": "someone-else"})

    assert (response.get("FunctionError"), body["errorType"]) == ("Unhandled", "BadRequest")
