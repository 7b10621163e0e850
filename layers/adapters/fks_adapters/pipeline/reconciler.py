"""Reads both sides of a reconciliation and acts on a mismatch: the account is halted (the
execution engine's HALTED state), a metric counts it for the alarm, and people are told."""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from fks.market_data.symbols import from_exchange_symbol, parse_symbol
from fks.pipeline.reconciliation import Mismatch, new_baselines, reported_mismatches, spot_mismatches
from fks_adapters.execution.tables import ExecutionTables

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_DESERIALIZER = TypeDeserializer()


class BaselineStore:
    """Per-asset baselines of a spot account, in the portfolio table (``BASELINE#<asset>``)."""

    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self.client: DynamoDBClient = client or boto3.client("dynamodb")

    def get(self, account: str) -> dict[str, Decimal]:
        answer = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": account}, ":prefix": {"S": "BASELINE#"}},
            ConsistentRead=True,
        )
        return {item["asset"]["S"]: Decimal(item["quantity"]["N"]) for item in answer.get("Items", [])}

    def put(self, account: str, baselines: dict[str, Decimal]) -> None:
        now = str(int(time.time() * 1000))
        for asset, quantity in baselines.items():
            self.client.put_item(
                TableName=self.table,
                Item={
                    "pk": {"S": account},
                    "sk": {"S": f"BASELINE#{asset}"},
                    "asset": {"S": asset},
                    "quantity": {"N": str(quantity)},
                    "adopted_ms": {"N": now},
                },
            )


def engine_assets(tables: ExecutionTables, account: str, exchange: str) -> dict[str, Decimal]:
    """The engine's spot positions per base asset (``BTCUSDT`` → ``BTC``)."""
    held: dict[str, Decimal] = defaultdict(Decimal)
    for row in tables.positions(account):
        base = parse_symbol(from_exchange_symbol(row["symbol"], exchange)).base
        held[base] += Decimal(row["quantity"])
    return dict(held)


class SpotReconciler:
    def __init__(self, tables: ExecutionTables, baselines: BaselineStore, exchange: Any, exchange_id: str) -> None:
        self.tables = tables
        self.baselines = baselines
        self.exchange = exchange  # a ccxt client with a read-only key
        self.exchange_id = exchange_id

    def balances(self) -> dict[str, Decimal]:
        totals = self.exchange.fetch_balance().get("total") or {}
        return {asset: Decimal(str(amount)) for asset, amount in totals.items() if amount is not None}

    def run(self, account: str, *, rebaseline: bool = False, tolerance: Decimal = Decimal("0.005")) -> list[Mismatch]:
        engine = engine_assets(self.tables, account, self.exchange_id)
        balances = self.balances()
        known = {} if rebaseline else self.baselines.get(account)
        adopted = new_baselines(engine, balances, known)
        if adopted:
            self.baselines.put(account, adopted)
        return spot_mismatches(account, engine, balances, {**known, **adopted}, tolerance=tolerance)


def ninjatrader_mismatches(tables: ExecutionTables) -> list[Mismatch]:
    """Positions the NinjaTrader bridge has reported on, per account, compared with their fills."""
    by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    pages = tables.client.get_paginator("scan").paginate(
        TableName=tables.positions_table, FilterExpression="attribute_exists(reported_quantity)"
    )
    for page in pages:
        for item in page.get("Items", []):
            row = {k: str(_DESERIALIZER.deserialize(v)) for k, v in item.items()}
            by_account[row["account"]].append(row)
    found: list[Mismatch] = []
    for account, rows in sorted(by_account.items()):
        found += reported_mismatches(account, rows)
    return found
