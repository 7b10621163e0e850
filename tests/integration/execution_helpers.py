"""What the execution integration tests share: commands, the deployed Rust function, its tables."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from fks_adapters.exchanges import make_exchange
from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET
from tests.stack_handle import StackHandle
from tests.unit.execution.stubs import OrderStubs

ACCOUNT = "binance-spot"


def order_command(**overrides: Any) -> dict[str, Any]:
    """The unit tests' market buy, with a fresh client order id and the deployed function's account."""
    command: dict[str, Any] = json.loads(
        OrderStubs.market_buy(f"it-{uuid.uuid4().hex[:16]}", **{"account": ACCOUNT, **overrides})
    )
    return command


def invoke(local_stack: StackHandle, event: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """The deployed ExecuteOrderFunction's raw response and its parsed payload."""
    response = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function("ExecuteOrderFunction"), Payload=json.dumps(event).encode()
    )
    return response, json.loads(response["Payload"].read())


def api(local_stack: StackHandle, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """A request through the local API gateway with an admin key: status and parsed body."""
    response = local_stack.api(method, path, scope="admin", json=body)
    return response.status_code, response.json() if response.content else None


def order_item(local_stack: StackHandle, client_order_id: str) -> dict[str, Any] | None:
    table = local_stack.deployed.physical_id("OrdersTable")
    item = local_stack.clients("dynamodb").get_item(
        TableName=table, Key={"client_order_id": {"S": client_order_id}}, ConsistentRead=True
    )
    found: dict[str, Any] | None = item.get("Item")
    return found


def position_quantity(local_stack: StackHandle, symbol: str = "BTCUSDT") -> Decimal:
    table = local_stack.deployed.physical_id("PositionsTable")
    item = local_stack.clients("dynamodb").get_item(
        TableName=table, Key={"account": {"S": ACCOUNT}, "symbol": {"S": symbol}}, ConsistentRead=True
    )
    return Decimal(item["Item"]["quantity"]["N"]) if "Item" in item else Decimal(0)


def risk_state_item(local_stack: StackHandle) -> dict[str, Any]:
    table = local_stack.deployed.physical_id("RiskStateTable")
    item = local_stack.clients("dynamodb").get_item(
        TableName=table, Key={"account": {"S": ACCOUNT}}, ConsistentRead=True
    )
    found: dict[str, Any] = item.get("Item", {})
    return found


def set_trading_state(local_stack: StackHandle, state: str | None) -> None:
    """Seeds the account's trading state; ``None`` removes the whole breaker record (counters too)."""
    table = local_stack.deployed.physical_id("RiskStateTable")
    dynamodb = local_stack.clients("dynamodb")
    if state is None:
        dynamodb.delete_item(TableName=table, Key={"account": {"S": ACCOUNT}})
    else:
        dynamodb.put_item(TableName=table, Item={"account": {"S": ACCOUNT}, "state": {"S": state}})


def simulator_exchange(local_stack: StackHandle) -> Any:
    assert local_stack.exchange_url is not None
    return make_exchange(
        "binance", base_url=local_stack.exchange_url, api_key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET
    )


def simulator_orders_with(local_stack: StackHandle, client_order_id: str) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = simulator_exchange(local_stack).fetch_orders("BTC/USDT")
    return [o for o in orders if o["clientOrderId"] == client_order_id]


def resting_buy_price(local_stack: StackHandle) -> str:
    """A limit price far enough under the simulator's last price that the order rests."""
    last = Decimal(str(simulator_exchange(local_stack).fetch_ticker("BTC/USDT")["last"]))
    return str((last / 2).quantize(Decimal("0.01")))
