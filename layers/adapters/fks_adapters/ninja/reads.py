"""Reads of the NinjaTrader tables the bridge's reports fill: an NT8 order as ``GET /ninja/orders/{id}``
answers it, an account's futures positions, one position in contracts for the risk check, and
every position NT8 has reported on for reconciliation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fks.errors import NotFound
from fks_adapters.aws.lazy import aws_client, dynamodb_deserializer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as JSON-ready values: numbers as decimal strings, never floats."""
    values = {key: dynamodb_deserializer().deserialize(value) for key, value in item.items()}
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}


class NinjaReads:
    def __init__(self, orders_table: str, positions_table: str, client: DynamoDBClient | None = None) -> None:
        self.orders_table = orders_table
        self.positions_table = positions_table
        self.client: DynamoDBClient = client or aws_client("dynamodb")

    def order(self, order_id: str) -> dict[str, Any]:
        """The NT8 order's last report."""
        answer = self.client.get_item(
            TableName=self.orders_table, Key={"client_order_id": {"S": order_id}}, ConsistentRead=True
        )
        if "Item" not in answer:
            raise NotFound(f"no NinjaTrader order {order_id}")
        report: dict[str, Any] = json.loads(_plain(answer["Item"])["report"])
        return report

    def positions(self, account: str) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.positions_table,
            KeyConditionExpression="account = :account",
            ExpressionAttributeValues={":account": {"S": account}},
            ConsistentRead=True,
        )
        return [_plain(item) for page in pages for item in page.get("Items", [])]

    def contracts(self, account: str, contract: str) -> int:
        """The account's booked position in ``contract`` (signed contracts), 0 when it has none."""
        answer = self.client.get_item(
            TableName=self.positions_table,
            Key={"account": {"S": account}, "symbol": {"S": contract}},
            ConsistentRead=True,
        )
        quantity = answer.get("Item", {}).get("quantity", {}).get("N", "0")
        return int(Decimal(quantity))

    def reported_positions(self) -> Iterator[dict[str, str]]:
        """Every position NT8's position files have reported on, with the booked figures beside."""
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.positions_table, FilterExpression="attribute_exists(reported_quantity)"
        )
        for page in pages:
            for item in page.get("Items", []):
                yield {key: str(value) for key, value in _plain(item).items()}
