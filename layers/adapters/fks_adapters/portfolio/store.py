"""The portfolio table, one partition per account (``pk = account``):

- ``SUMMARY``: cash and the capital the account started with;
- ``ALLOCATION#<strategy>``: the strategy's target share of equity;
- ``BOOK#<strategy>#<symbol>``: the strategy's position from its own fills;
- ``FILL#<client order id>#<trade id>``: marks a fill applied, so a retried state or a second
  sync counts it once (a venue trade id belongs to one order: the pair is the trade);
- ``ORDER#<client order id>``: what of the order is booked (quantity, notional, fees), never
  more than the engine's filled quantity (``fks.portfolio.order_fills``);
- ``SNAPSHOT#<epoch ms>``: equity over time;
- ``BASELINE#<asset>``: reconciliation's baseline of a spot asset;
- ``SYNC``: the last order sync (when it last reached the venue, misses in a row);
- ``FOREIGN#<symbol>#<trade id>``: a trade on the account the platform never placed;
- ``HELD#<epoch ms>#<n>``: an order sync's report kept until its fills are booked.

A fill is applied in one transaction (marker put only if absent, cash moved, book replaced only
at the version it was read at, the order's booked figures moved only within its filled
quantity): a retry adds nothing and two writers cannot lose an update.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fks.errors import TemporaryError
from fks.portfolio.book import Book, apply_fill
from fks.portfolio.order_fills import BookedSoFar
from fks_adapters.aws.lazy import aws_client, dynamodb_deserializer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_COMMIT_ATTEMPTS = 5


def _n(value: Decimal | int) -> dict[str, str]:
    return {"N": str(value)}


@dataclass(frozen=True)
class OrderGuard:
    """The order a fill belongs to, as the report carrying the fill describes it."""

    client_order_id: str
    filled_qty: Decimal  # the order's filled quantity: what is booked of it never exceeds this
    # For a catch-up fill: the booked figures it was computed from, which must still hold.
    booked_before: BookedSoFar | None = None


@dataclass(frozen=True)
class FillToApply:
    fill_key: str
    order: OrderGuard
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
        self.client: DynamoDBClient = client or aws_client("dynamodb")

    # ----------------------------------------------------------------- reads
    def _items(self, account: str, prefix: str) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": account}, ":prefix": {"S": prefix}},
            ConsistentRead=True,
        )
        return [
            {name: dynamodb_deserializer().deserialize(value) for name, value in item.items()}
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

    def order_booked(self, account: str, client_order_id: str) -> BookedSoFar:
        """What the portfolio has booked of the order."""
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": account}, "sk": {"S": f"ORDER#{client_order_id}"}},
            ConsistentRead=True,
        ).get("Item")
        if not item:
            return BookedSoFar()
        row = {k: dynamodb_deserializer().deserialize(v) for k, v in item.items()}
        return BookedSoFar(
            Decimal(row["booked_qty"]),
            Decimal(row["booked_notional"]),
            Decimal(row["booked_fees"]),
            Decimal(row["order_filled"]),
        )

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
        rows = [
            {k: dynamodb_deserializer().deserialize(v) for k, v in item.items()} for item in answer.get("Items", [])
        ]
        return [
            {"time_ms": int(row["time_ms"]), **{k: str(Decimal(row[k]).quantize(_CENT)) for k in _SNAPSHOT_FIELDS}}
            for row in reversed(rows)
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
        """Book the fill once; False when it was applied before, when its order's filled
        quantity is booked already (a catch-up covered it), or, for a catch-up, when the order's
        booked figures moved since it was computed (compute it again)."""
        guard, quantity = fill.order, abs(fill.signed_quantity)
        for _ in range(_COMMIT_ATTEMPTS):
            progress = self.order_booked(account, guard.client_order_id)
            filled = max(progress.order_filled, guard.filled_qty)
            if guard.booked_before is None and progress.quantity + quantity > filled:
                return False  # the order's fills are all booked: a catch-up brought this one
            if guard.booked_before is not None and progress.quantity != guard.booked_before.quantity:
                return False
            book_key = {"pk": {"S": account}, "sk": {"S": f"BOOK#{fill.strategy_id}#{fill.symbol}"}}
            stored = self.client.get_item(TableName=self.table, Key=book_key, ConsistentRead=True).get("Item")
            version = int(stored["version"]["N"]) if stored else 0
            before = _book({k: dynamodb_deserializer().deserialize(v) for k, v in stored.items()}) if stored else Book()
            after = apply_fill(before, fill.signed_quantity, fill.price, fill.fee)
            writes = self._fill_writes(account, fill, after, version)
            writes.append(self._order_write(account, fill, progress, filled))
            try:
                self.client.transact_write_items(TransactItems=writes)
                return True
            except self.client.exceptions.TransactionCanceledException as error:
                reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    return False  # the marker exists: this fill was applied before
                # Another fill moved the book or the order meanwhile: read them again and retry.
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

    def _order_write(self, account: str, fill: FillToApply, progress: BookedSoFar, filled: Decimal) -> dict[str, Any]:
        # Conditional on the booked quantity read: it only grows, so it versions the item.
        quantity = abs(fill.signed_quantity)
        values: dict[str, Any] = {
            ":booked": _n(progress.quantity + quantity),
            ":notional": _n(progress.notional + quantity * fill.price),
            ":fees": _n(progress.fees + fill.fee),
            ":filled": _n(filled),
            ":now": _n(int(time.time() * 1000)),
        }
        if progress.quantity == 0:
            condition = "attribute_not_exists(booked_qty)"
        else:
            condition = "booked_qty = :read"
            values[":read"] = _n(progress.quantity)
        return {
            "Update": {
                "TableName": self.table,
                "Key": {"pk": {"S": account}, "sk": {"S": f"ORDER#{fill.order.client_order_id}"}},
                "UpdateExpression": (
                    "SET booked_qty = :booked, booked_notional = :notional, booked_fees = :fees, "
                    "order_filled = :filled, updated_ms = :now"
                ),
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
            }
        }

    def record_sync(self, account: str, *, reached: bool, now_ms: int) -> int:
        """Notes one order sync; the syncs in a row that could not reach the venue (0 when it did)."""
        if reached:
            expression, values = "SET misses = :zero, synced_ms = :now", {":zero": _n(0), ":now": _n(now_ms)}
        else:
            expression = "SET misses = if_not_exists(misses, :zero) + :one, missed_ms = :now"
            values = {":zero": _n(0), ":one": _n(1), ":now": _n(now_ms)}
        answer = self.client.update_item(
            TableName=self.table,
            Key={"pk": {"S": account}, "sk": {"S": "SYNC"}},
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
        return int(answer["Attributes"]["misses"]["N"])

    def hold_reports(self, account: str, reports: list[dict[str, Any]], now_ms: int) -> list[str]:
        """Keeps an order sync's reports until ``release_report``; their keys, in order."""
        batch = uuid.uuid4().hex[:12]  # two syncs in the same millisecond keep apart
        keys = [f"HELD#{now_ms:013d}#{batch}#{n:05d}" for n in range(len(reports))]
        for key, report in zip(keys, reports, strict=True):
            item = {"pk": {"S": account}, "sk": {"S": key}, "report": {"S": json.dumps(report)}}
            self.client.put_item(TableName=self.table, Item=item)
        return keys

    def held_reports(self, account: str, exclude: list[str]) -> list[tuple[str, dict[str, Any]]]:
        """Reports an earlier sync kept and did not release (it died before booking them)."""
        skip = set(exclude)
        return [
            (item["sk"], json.loads(item["report"])) for item in self._items(account, "HELD#") if item["sk"] not in skip
        ]

    def release_report(self, account: str, key: str) -> None:
        self.client.delete_item(TableName=self.table, Key={"pk": {"S": account}, "sk": {"S": key}})

    def foreign_fill_known(self, account: str, fill: dict[str, str]) -> bool:
        key = {"pk": {"S": account}, "sk": {"S": f"FOREIGN#{fill['symbol']}#{fill['trade_id']}"}}
        return "Item" in self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True)

    def record_foreign_fill(self, account: str, fill: dict[str, str], now_ms: int) -> bool:
        """Keeps a trade the platform never placed (``fill`` as the engine reported it, decimals
        as strings); False when it was recorded before."""
        item = {"pk": {"S": account}, "sk": {"S": f"FOREIGN#{fill['symbol']}#{fill['trade_id']}"}}
        item.update({name: {"S": value} for name, value in fill.items()})
        item["recorded_ms"] = _n(now_ms)
        try:
            self.client.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def foreign_fills(self, account: str) -> list[dict[str, Any]]:
        return self._items(account, "FOREIGN#")

    def snapshot(self, account: str, time_ms: int, values: dict[str, Decimal]) -> None:
        item = {"pk": {"S": account}, "sk": {"S": f"SNAPSHOT#{time_ms:013d}"}, "time_ms": _n(time_ms)}
        item.update({name: _n(values[name]) for name in _SNAPSHOT_FIELDS})
        self.client.put_item(TableName=self.table, Item=item)


_SNAPSHOT_FIELDS = ("equity", "cash", "positions_value", "unrealized_pnl")
# A snapshot's values are cents (the valuation quantizes them). DynamoDB keeps a number's value, not
# its digits: 100064.50 is read back as 100064.5 (on AWS and MiniStack; moto keeps the string), so
# the history gives them back at cents, as the snapshot was taken.
_CENT = Decimal("0.01")


def _book(item: dict[str, Any]) -> Book:
    return Book(
        Decimal(item["quantity"]),
        Decimal(item["avg_entry_price"]),
        Decimal(item["realized_pnl"]),
        Decimal(item["fees"]),
    )
