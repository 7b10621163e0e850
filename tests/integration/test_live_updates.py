"""Record topics on the live feed (issue 24): a WebSocket client subscribed to signals, orders,
fills and health receives an ``update`` frame as each record changes, pushed from the tables'
change streams by LiveUpdatesFunction."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
import websocket

from tests.integration.execution_helpers import api, order_command
from tests.integration.pipeline_helpers import new_signal, priced_markets, start, wait_for_status
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


@pytest.fixture
def socket(local_stack: StackHandle) -> Iterator[websocket.WebSocket]:
    url = f"{local_stack.websocket_urls['LiveFeedApi']}?token={quote(local_stack.api_keys['read'], safe='')}"
    connection = websocket.create_connection(url, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def _subscribe(socket: websocket.WebSocket, *topics: str) -> None:
    for topic in topics:
        socket.send(json.dumps({"action": "subscribe", "topic": topic}))
        assert json.loads(socket.recv()) == {"type": "subscribed", "topic": topic}


def _updates_until(
    socket: websocket.WebSocket, found: Any, timeout_s: float = 90
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Frames received until one satisfies ``found``: that one, and every frame seen."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        socket.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            frame = json.loads(socket.recv())
        except websocket.WebSocketTimeoutException:
            break
        seen.append(frame)
        if found(frame):
            return frame, seen
    raise AssertionError(f"no matching frame in {timeout_s} s; saw {[(f.get('topic'), f.get('change')) for f in seen]}")


def test_an_unknown_topic_is_refused_naming_the_topics(socket: websocket.WebSocket) -> None:
    socket.send(json.dumps({"action": "subscribe", "topic": "gossip"}))
    answer = json.loads(socket.recv())

    assert answer["type"] == "error"
    assert "topics: signals, orders, fills, portfolio, health" in answer["message"]


def test_a_signals_subscriber_sees_each_state_of_a_signal(
    local_stack: StackHandle, socket: websocket.WebSocket
) -> None:
    priced_markets(local_stack, "BTC/USDT")
    _subscribe(socket, "signals")
    signal = new_signal(mode="manual")

    start(local_stack, signal)
    wait_for_status(local_stack, signal["signal_id"], "pending_approval")
    frame, _ = _updates_until(
        socket,
        lambda f: (
            f.get("topic") == "signals"
            and f["record"].get("signal_id") == signal["signal_id"]
            and f["record"].get("status") == "pending_approval"
        ),
    )

    assert frame["type"] == "update"
    assert "task_token" not in frame["record"]  # only the approval API may resume an execution
    assert isinstance(frame["record"]["updated_ms"], str)  # numbers exact, as decimal strings


def test_an_order_and_its_fill_are_pushed_to_their_topics(
    local_stack: StackHandle, socket: websocket.WebSocket
) -> None:
    _subscribe(socket, "orders", "fills")
    command = order_command()

    status, body = api(local_stack, "POST", "/orders", command)
    fill, seen = _updates_until(
        socket, lambda f: f.get("topic") == "fills" and f["record"].get("client_order_id") == command["client_order_id"]
    )

    assert status == 201, body
    orders = [
        f for f in seen if f.get("topic") == "orders" and f["record"]["client_order_id"] == command["client_order_id"]
    ]
    assert orders
    assert orders[-1]["record"]["status"] == "filled"
    assert "fills" not in orders[-1]["record"]  # as GET /orders lists it; fills have their own topic
    assert fill["record"]["trade_id"]
    assert Decimal(fill["record"]["quantity"]) == Decimal(command["quantity"])  # a decimal string, never a float


def test_a_halt_is_pushed_as_the_accounts_health(local_stack: StackHandle, socket: websocket.WebSocket) -> None:
    _subscribe(socket, "health")
    try:
        assert api(local_stack, "POST", "/risk/halt")[0] == 200
        frame, _ = _updates_until(socket, lambda f: f.get("topic") == "health" and f["record"].get("state") == "halted")
    finally:
        assert api(local_stack, "POST", "/risk/resume")[0] == 200

    assert frame["record"]["part"] == "trading:binance-spot"


def test_each_scheduled_health_report_is_pushed(local_stack: StackHandle, socket: websocket.WebSocket) -> None:
    _subscribe(socket, "health")

    run = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function("MonitorFunction"),
        Payload=json.dumps({"source": "aws.events", "detail-type": "Scheduled Event"}).encode(),
    )
    report = json.loads(run["Payload"].read())
    frame, _ = _updates_until(socket, lambda f: f.get("topic") == "health" and f["record"].get("part") == "stack")

    assert frame["record"]["status"] == report["status"]
    assert {p["part"] for p in frame["record"]["parts"]} == {p["part"] for p in report["parts"]}
