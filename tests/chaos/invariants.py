"""The invariants the chaos must not break, each read from the stack and the simulator as they are."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from typing import Any

import pyarrow.parquet as pq

from fks.market_data.storage import SeriesKey
from fks.pipeline.outcomes import TERMINAL
from fks_adapters.market_data.s3_store import S3CandleStore
from tests.integration.market_data_helpers import simulator_json, stored_json
from tests.stack_handle import StackHandle

MINUTE_MS = 60_000
# An order with one of these statuses was sent and answered: the venue must hold exactly one.
ON_VENUE = {"accepted", "partially_filled", "filled", "triggered", "pending_cancel", "canceled", "expired"}
# Unresolved after the settle phase: the engine still does not know what became of the order.
UNRESOLVED = {"initialized", "submitted"}


def engine_orders(stack: StackHandle) -> dict[str, dict[str, Any]]:
    """Every item of the engine's orders table, by client order id."""
    dynamodb = stack.clients("dynamodb")
    table = stack.deployed.physical_id("OrdersTable")
    items: dict[str, dict[str, Any]] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            items[item["client_order_id"]["S"]] = item
    return items


def orders_violations(stack: StackHandle, venue: list[dict[str, Any]]) -> list[str]:
    """Venue orders == booked orders: one venue order per booked id, none the engine does not know."""
    booked = engine_orders(stack)
    per_id = Counter(str(order["client_order_id"]) for order in venue)
    problems = [f"{cid}: {n} venue orders" for cid, n in sorted(per_id.items()) if n != 1]
    problems += [f"{cid}: on the venue, unknown to the engine" for cid in sorted(set(per_id) - set(booked))]
    for cid, item in sorted(booked.items()):
        status = item.get("status", {}).get("S", "")
        if status in UNRESOLVED:
            problems.append(f"{cid}: still {status} after the settle phase")
        elif status in ON_VENUE and per_id[cid] != 1:
            problems.append(f"{cid}: booked {status}, {per_id[cid]} venue orders")
        elif status not in ON_VENUE and per_id[cid]:
            problems.append(f"{cid}: booked {status}, yet on the venue")
    return problems


def venue_filled_delta(venue: list[dict[str, Any]]) -> Decimal:
    """What the venue's orders bought minus what they sold, in base units."""
    total = Decimal(0)
    for order in venue:
        quantity = Decimal(str(order["executed_quantity"]))
        total += quantity if order["side"] == "BUY" else -quantity
    return total


def signal_violations(stack: StackHandle, signal_ids: list[str]) -> tuple[Counter[str], list[str]]:
    """The final status of every signal sent; a problem for each not in exactly one terminal state."""
    statuses: Counter[str] = Counter()
    problems: list[str] = []
    terminal = {status.value for status in TERMINAL}
    for signal_id in signal_ids:
        response = stack.api("GET", f"/signals/{signal_id}", scope="read")
        status = response.json()["signal"].get("status", "?") if response.status_code == 200 else "missing"
        statuses[status] += 1
        if status not in terminal:
            problems.append(f"{signal_id}: {status}")
    return statuses, problems


def candle_violations(stack: StackHandle, key: SeriesKey, symbol: str, first_ms: int, last_ms: int) -> list[str]:
    """Every 1m candle the simulator has in ``[first_ms, last_ms]`` stored exactly once, as served."""
    rows: Counter[int] = Counter()
    s3 = stack.clients("s3")
    store = S3CandleStore(stack.output("DataBucketName"), s3)
    # Writers add parts without a lock, so two racing at the live edge may both store a new candle
    # (reads merge them into one); the compaction folds each day into one file, which must then
    # hold every candle once.
    for date in store.stored_dates(key):
        store.compact_day(key, date)
    listing = s3.list_objects_v2(Bucket=store.bucket, Prefix=store.series_prefix(key))
    for entry in listing.get("Contents", []):
        body = s3.get_object(Bucket=store.bucket, Key=entry["Key"])["Body"].read()
        rows.update(int(t) for t in pq.read_table(io.BytesIO(body)).column("open_time").to_pylist())
    problems = [f"candle {t} stored {n} times" for t, n in sorted(rows.items()) if n > 1]
    expected = range(first_ms, last_ms + MINUTE_MS, MINUTE_MS)
    holes = [t for t in expected if t not in rows]
    if holes:
        problems.append(f"{len(holes)} candle(s) missing, first {holes[0]}")
    if stored_json(store.read(key, first_ms, last_ms + MINUTE_MS)) != simulator_json(symbol, "1m", first_ms, last_ms):
        problems.append("stored candles differ from the simulator's")
    return problems
