"""Reads of the orders and positions the Rust ``execute_order`` function writes, and the trading
state (circuit breaker) it applies to every order."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from fks.errors import NotFound
from fks.execution import TradingState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

_DESERIALIZER = TypeDeserializer()


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as JSON-ready values: numbers as decimal strings, never floats."""
    values = {key: _DESERIALIZER.deserialize(value) for key, value in item.items()}
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}


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
        self.client: DynamoDBClient = client or boto3.client("dynamodb")

    def order(self, client_order_id: str) -> dict[str, Any]:
        """The last report of the order, or its command while its outcome is still unknown."""
        answer = self.client.get_item(
            TableName=self.orders_table, Key={"client_order_id": {"S": client_order_id}}, ConsistentRead=True
        )
        if "Item" not in answer:
            raise NotFound(f"no order {client_order_id}")
        item = _plain(answer["Item"])
        if "report" in item:
            report: dict[str, Any] = json.loads(item["report"])
            report.pop("duplicate", None)
            return report
        command: dict[str, Any] = json.loads(item["command"])
        return {**command, "status": item["status"]}

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

    def set_trading_state(self, account: str, state: TradingState) -> None:
        """Sets the state the Rust function applies, keeping its breaker counters: an update,
        never a put, so a halt does not wipe the day's loss that tripped it. Resuming clears
        the halt reason and the exchange-error run (not the day's loss: still beyond the limit,
        it halts again on the next order)."""
        now_ms = str(int(time.time() * 1000))
        values: dict[str, AttributeValueTypeDef] = {":state": {"S": state}, ":now": {"N": now_ms}}
        if state == "halted":
            # Halted already (the breaker tripped): keep the first reason.
            expression = "SET #state = :state, updated_ms = :now, halt_reason = if_not_exists(halt_reason, :manual)"
            values[":manual"] = {"S": "manual"}
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
