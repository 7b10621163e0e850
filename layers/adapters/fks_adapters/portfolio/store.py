"""The portfolio table, one partition per account (``pk = account``):

- ``SUMMARY``: cash and the capital the account started with;
- ``ALLOCATION#<strategy>``: the strategy's target share of equity;
- ``BOOK#<strategy>#<symbol>``: the strategy's position from its own fills;
- ``FILL#<trade id>``: marks a fill applied, so a retried state counts it once;
- ``SNAPSHOT#<epoch ms>``: equity over time;
- ``BASELINE#<asset>``: reconciliation's baseline of a spot asset.

A fill is applied in one transaction (marker put only if absent, cash moved, book replaced only
at the version it was read at): a retry adds nothing and two writers cannot lose an update.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from fks.errors import TemporaryError
from fks.portfolio.book import Book, apply_fill

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_DESERIALIZER = TypeDeserializer()
_COMMIT_ATTEMPTS = 5


def _n(value: Decimal | int) -> dict[str, str]:
    return {"N": str(value)}


@dataclass(frozen=True)
class FillToApply:
    fill_key: str
    strategy_id: str
    symbol: str
    signed_quantity: Decimal
    price: Decimal
    fee: Decimal

    @property
    def cash_change(self) -> Decimal:
        # Buying spends quote currency, selling brings it in; the fee is paid either way.
        return -self.signed_quantity * self.price - self.fee


class PortfolioStore:
    def __init__(self, table: str, initial_capital: Decimal, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self.initial_capital = initial_capital
        self.client: DynamoDBClient = client or boto3.client("dynamodb")

    # ----------------------------------------------------------------- reads
    def _items(self, account: str, prefix: str) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": account}, ":prefix": {"S": prefix}},
            ConsistentRead=True,
        )
        return [
            {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}
            for page in pages
            for item in page.get("Items", [])
        ]

    def cash(self, account: str) -> Decimal:
        """The account's cash; an account never traded starts with the configured capital."""
        summary = self._items(account, "SUMMARY")
        return Decimal(summary[0]["cash"]) if summary else self.initial_capital

    def allocations(self, account: str) -> dict[str, Decimal]:
        return {item["strategy_id"]: Decimal(item["weight"]) for item in self._items(account, "ALLOCATION#")}

    def books(self, account: str) -> dict[tuple[str, str], Book]:
        return {(item["strategy_id"], item["symbol"]): _book(item) for item in self._items(account, "BOOK#")}

    def baselines(self, account: str) -> dict[str, Decimal]:
        """What the venue held of each asset beyond the engine's positions when reconciliation
        first saw the asset (``BASELINE#<asset>``)."""
        return {item["asset"]: Decimal(item["quantity"]) for item in self._items(account, "BASELINE#")}

    def adopt_baselines(self, account: str, baselines: dict[str, Decimal]) -> None:
        now = _n(int(time.time() * 1000))
        for asset, quantity in baselines.items():
            item = {"pk": {"S": account}, "sk": {"S": f"BASELINE#{asset}"}, "asset": {"S": asset}}
            self.client.put_item(TableName=self.table, Item={**item, "quantity": _n(quantity), "adopted_ms": now})

    def order_booked(self, account: str, client_order_id: str) -> bool:
        """Whether any fill of the order is booked already."""
        answer = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": account}, ":prefix": {"S": f"FILL#{client_order_id}#"}},
            ConsistentRead=True,
            Limit=1,
        )
        return bool(answer.get("Items"))

    def history(self, account: str, start_ms: int, end_ms: int, limit: int) -> list[dict[str, Any]]:
        answer = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :start AND :end",
            ExpressionAttributeValues={
                ":pk": {"S": account},
                ":start": {"S": f"SNAPSHOT#{start_ms:013d}"},
                ":end": {"S": f"SNAPSHOT#{end_ms:013d}"},
            },
            ScanIndexForward=False,  # the newest ``limit`` snapshots, returned oldest first below
            Limit=limit,
        )
        rows = [{k: _DESERIALIZER.deserialize(v) for k, v in item.items()} for item in answer.get("Items", [])]
        return [
            {"time_ms": int(row["time_ms"]), **{k: str(row[k]) for k in _SNAPSHOT_FIELDS}} for row in reversed(rows)
        ]

    # ----------------------------------------------------------------- writes
    def set_allocations(self, account: str, weights: dict[str, Decimal]) -> None:
        """Replace the account's allocations in one transaction (absent strategies lose theirs)."""
        current = set(self.allocations(account))
        writes: list[Any] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        "pk": {"S": account},
                        "sk": {"S": f"ALLOCATION#{strategy}"},
                        "strategy_id": {"S": strategy},
                        "weight": _n(weight),
                    },
                }
            }
            for strategy, weight in sorted(weights.items())
        ]
        writes += [
            {"Delete": {"TableName": self.table, "Key": {"pk": {"S": account}, "sk": {"S": f"ALLOCATION#{s}"}}}}
            for s in sorted(current - set(weights))
        ]
        if writes:
            self.client.transact_write_items(TransactItems=writes)

    def apply_fill(self, account: str, fill: FillToApply) -> bool:
        """Book the fill once; False when it was applied before."""
        for _ in range(_COMMIT_ATTEMPTS):
            book_key = {"pk": {"S": account}, "sk": {"S": f"BOOK#{fill.strategy_id}#{fill.symbol}"}}
            stored = self.client.get_item(TableName=self.table, Key=book_key, ConsistentRead=True).get("Item")
            version = int(stored["version"]["N"]) if stored else 0
            before = _book({k: _DESERIALIZER.deserialize(v) for k, v in stored.items()}) if stored else Book()
            after = apply_fill(before, fill.signed_quantity, fill.price, fill.fee)
            try:
                self.client.transact_write_items(TransactItems=self._fill_writes(account, fill, after, version))
                return True
            except self.client.exceptions.TransactionCanceledException as error:
                reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    return False  # the marker exists: this fill was applied before
                # Another fill moved the book meanwhile: read it again and retry.
        raise TemporaryError(f"could not book fill {fill.fill_key}: the book kept changing")

    def _fill_writes(self, account: str, fill: FillToApply, after: Book, version: int) -> list[Any]:
        now = _n(int(time.time() * 1000))
        book_item = {
            "pk": {"S": account},
            "sk": {"S": f"BOOK#{fill.strategy_id}#{fill.symbol}"},
            "strategy_id": {"S": fill.strategy_id},
            "symbol": {"S": fill.symbol},
            "quantity": _n(after.quantity),
            "avg_entry_price": _n(after.avg_entry_price),
            "realized_pnl": _n(after.realized_pnl),
            "fees": _n(after.fees),
            "version": _n(version + 1),
            "updated_ms": now,
        }
        version_check: dict[str, Any] = (
            {"ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": _n(version)}}
            if version
            else {"ConditionExpression": "attribute_not_exists(pk)"}
        )
        return [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {"pk": {"S": account}, "sk": {"S": f"FILL#{fill.fill_key}"}, "applied_ms": now},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": self.table,
                    "Key": {"pk": {"S": account}, "sk": {"S": "SUMMARY"}},
                    "UpdateExpression": "SET cash = if_not_exists(cash, :initial) + :change, updated_ms = :now",
                    "ExpressionAttributeValues": {
                        ":initial": _n(self.initial_capital),
                        ":change": _n(fill.cash_change),
                        ":now": now,
                    },
                }
            },
            {"Put": {"TableName": self.table, "Item": book_item, **version_check}},
        ]

    def snapshot(self, account: str, time_ms: int, values: dict[str, Decimal]) -> None:
        item = {"pk": {"S": account}, "sk": {"S": f"SNAPSHOT#{time_ms:013d}"}, "time_ms": _n(time_ms)}
        item.update({name: _n(values[name]) for name in _SNAPSHOT_FIELDS})
        self.client.put_item(TableName=self.table, Item=item)


_SNAPSHOT_FIELDS = ("equity", "cash", "positions_value", "unrealized_pnl")


def _book(item: dict[str, Any]) -> Book:
    return Book(
        Decimal(item["quantity"]),
        Decimal(item["avg_entry_price"]),
        Decimal(item["realized_pnl"]),
        Decimal(item["fees"]),
    )
