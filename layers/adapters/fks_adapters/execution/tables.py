"""Reads of the orders and positions the Rust ``execute_order`` function writes, and the trading
state (circuit breaker) it applies to every order."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fks.errors import NotFound
from fks.execution import OPEN_ORDER_STATUSES, TradingState
from fks_adapters.aws.lazy import aws_client, dynamodb_deserializer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as JSON-ready values: numbers as decimal strings, never floats."""
    values = {key: dynamodb_deserializer().deserialize(value) for key, value in item.items()}
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}


def _as_report(item: dict[str, Any]) -> dict[str, Any]:
    """The order's last report, or its command while its outcome is still unknown."""
    if "report" in item:
        report: dict[str, Any] = json.loads(item["report"])
        report.pop("duplicate", None)
        return report
    command: dict[str, Any] = json.loads(item["command"])
    return {**command, "status": item["status"]}


def _listed(item: dict[str, Any]) -> dict[str, Any]:
    # A listing shows each order's state; its fills are the one order's business (GET /orders/{id}).
    report = _as_report(item)
    report.pop("fills", None)
    report.setdefault("created_ms", int(item["created_ms"]))
    return report


class ExecutionTables:
    def __init__(
        self,
        orders_table: str,
        positions_table: str,
        risk_state_table: str,
        client: DynamoDBClient | None = None,
    ) -> None:
        self.orders_table = orders_table
        self.positions_table = positions_table
        self.risk_state_table = risk_state_table
        self.client: DynamoDBClient = client or aws_client("dynamodb")

    def order(self, client_order_id: str) -> dict[str, Any]:
        """The last report of the order, or its command while its outcome is still unknown."""
        answer = self.client.get_item(
            TableName=self.orders_table, Key={"client_order_id": {"S": client_order_id}}, ConsistentRead=True
        )
        if "Item" not in answer:
            raise NotFound(f"no order {client_order_id}")
        return _as_report(_plain(answer["Item"]))

    def orders(self, account: str, *, open_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
        """The account's orders without their fills: the open ones first, then the newest (the
        ``ByAccount`` index, newest first). Every open order is listed, however old: each is a
        commitment at the venue, while ``limit`` bounds only the rest."""
        opens = self._account_orders(account, open_only=True)
        rest = [] if open_only else self._account_orders(account, open_only=False, limit=limit)
        listed = {row["client_order_id"] for row in opens}
        rows = opens + [row for row in rest if row["client_order_id"] not in listed]
        return rows[: max(limit, len(opens))]

    def _account_orders(self, account: str, *, open_only: bool, limit: int | None = None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {
            "TableName": self.orders_table,
            "IndexName": "ByAccount",
            "KeyConditionExpression": "account = :account",
            "ExpressionAttributeValues": {":account": {"S": account}},
            "ScanIndexForward": False,
        }
        if open_only:
            statuses = sorted(OPEN_ORDER_STATUSES)
            query["FilterExpression"] = f"#status IN ({', '.join(f':s{i}' for i in range(len(statuses)))})"
            query["ExpressionAttributeNames"] = {"#status": "status"}
            query["ExpressionAttributeValues"].update({f":s{i}": {"S": s} for i, s in enumerate(statuses)})
        rows: list[dict[str, Any]] = []
        for page in self.client.get_paginator("query").paginate(**query):
            rows += [_listed(_plain(item)) for item in page.get("Items", [])]
            if limit is not None and len(rows) >= limit:
                return rows[:limit]
        return rows

    def positions(self, account: str) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.positions_table,
            KeyConditionExpression="account = :account",
            ExpressionAttributeValues={":account": {"S": account}},
            ConsistentRead=True,
        )
        return [_plain(item) for page in pages for item in page.get("Items", [])]

    def position(self, account: str, symbol: str) -> dict[str, Any]:
        answer = self.client.get_item(
            TableName=self.positions_table,
            Key={"account": {"S": account}, "symbol": {"S": symbol}},
            ConsistentRead=True,
        )
        if "Item" not in answer:
            raise NotFound(f"no position of {account} in {symbol}")
        return _plain(answer["Item"])

    def trading_state(self, account: str) -> TradingState:
        answer = self.client.get_item(
            TableName=self.risk_state_table, Key={"account": {"S": account}}, ConsistentRead=True
        )
        state = answer.get("Item", {}).get("state", {}).get("S", "active")
        return "halted" if state == "halted" else "reducing" if state == "reducing" else "active"

    def set_trading_state(self, account: str, state: TradingState, reason: str = "manual") -> None:
        """Sets the state the Rust function applies, keeping its breaker counters: an update,
        never a put, so a halt does not wipe the day's loss that tripped it. A halt stores why
        (``manual`` for an operator, ``reconciliation_mismatch``, ``foreign_fill``). Resuming
        clears the halt reason and the exchange-error run (not the day's loss: still beyond the
        limit, it halts again on the next order)."""
        now_ms = str(int(time.time() * 1000))
        values: dict[str, AttributeValueTypeDef] = {":state": {"S": state}, ":now": {"N": now_ms}}
        if state == "halted":
            # Halted already (the breaker tripped): keep the first reason.
            expression = "SET #state = :state, updated_ms = :now, halt_reason = if_not_exists(halt_reason, :reason)"
            values[":reason"] = {"S": reason}
        else:
            expression = (
                "SET #state = :state, updated_ms = :now, consecutive_exchange_errors = :zero REMOVE halt_reason"
            )
            values[":zero"] = {"N": "0"}
        self.client.update_item(
            TableName=self.risk_state_table,
            Key={"account": {"S": account}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=values,
        )
