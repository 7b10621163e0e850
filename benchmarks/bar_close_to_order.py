"""Bar close → order acknowledged, for a 1m strategy on the local paper stack, through the schedules.

Starts the local stack in paper mode (the deployable default, no trading key), enables BTC/USDT,
and runs a 1m ``sma_cross`` (fast 2, slow 3) whose averages cross on every bar because the
simulated market zigzags (``/sim/price`` moves each minute, up then down: the venue's market,
not the platform's data). Every closed bar then becomes a signal from the scheduled
``generate_signals`` and an order on the paper venue. For each of N bars the time from the bar's
close (its open time + 60 s) to the order's acknowledgement is split into stages read from
what the platform recorded:

- collection stored: the first version of the day's candle file written after the bar closed
  (the collector rewrites it on each pass; the bucket is versioned), S3 LastModified, which has
  a resolution of one second;
- signal recorded: ``created_ms`` of the signal's record, which ``generate_signals`` writes
  before it starts the signal's execution;
- execution started: the Step Functions execution's start date;
- order acknowledged: the execution report's ``ts_ms`` (``execute_order``'s answer).

The schedule fires on the minute, so "bar close → collection stored" includes the collector's
own run; on AWS EventBridge adds its own delay of up to a few seconds. Local figures include the
local Lambda runtime and moto; they compare one change with the next, not with AWS. Printed,
not asserted.

Run: .venv/bin/python benchmarks/bar_close_to_order.py [bars]   (default 5: about 10 minutes)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fks.market_data.storage import SeriesKey, partition_date
from fks_adapters.market_data.s3_store import S3CandleStore
from fks_cli.paper_loop import (
    PAPER_PARAMETERS,
    SYMBOL,
    VENUE_SYMBOL,
    Api,
    admin_api,
    minute_start,
    remove_trading_keys,
    signal_field,
    simulator,
    sleep_until,
    strategy_signals,
)
from fks_local.stack import LocalStack, StackOptions

STAGES = ("collection stored", "signal recorded", "execution started", "order acknowledged")
ZIGZAG_PCT = ("3", "-3")
# Moved this far into each minute: after that minute's scheduled runs, well before it closes.
MOVE_AT_S = 20
WARM_UP_BARS = 2


def _progress(text: str) -> None:
    print(f"    {text}", flush=True)


def _collection_times_ms(stack: LocalStack, bucket: str, day_ms: int) -> list[int]:
    """When each collection stored candles of the day, oldest first: every collection adds a part
    named by its write time (a compaction's file repeats the time of the newest part it folded, and
    a folded part stays as a noncurrent version, so every time is listed once)."""
    store = S3CandleStore(bucket, stack.clients("s3"))
    prefix = store.day_prefix(SeriesKey.of("binance", SYMBOL, "1m"), partition_date(day_ms))
    versions = stack.clients("s3").list_object_versions(Bucket=bucket, Prefix=prefix).get("Versions", [])
    names = (v["Key"][len(prefix) :] for v in versions)
    return sorted({int(name.split("-", 1)[0]) for name in names if name[:1].isdigit()})


def _print_book(api: Api, records: list[dict[str, Any]]) -> None:
    """Every signal of the run, warm-up included, with its order and the position after it: a
    sell is filled only when an earlier buy left base to sell (the paper venue refuses a spot
    sell beyond the paper base balance)."""
    for record in records:
        status, body = api.call("GET", f"/signals/{signal_field(record, 'signal_id')}")
        signal = body.get("signal", {}) if status == 200 else {}
        report = signal.get("report") or {}
        position = (report.get("position") or {}).get("quantity", "-")
        outcome = report.get("status") or f"{signal.get('status')} ({signal.get('reason')})"
        side = signal_field(record, "side")
        print(f"    bar {_hhmm(record)}: {side:<4} -> {outcome}, position after {position}", flush=True)


def _stages(api: Api, stack: LocalStack, bucket: str, record: dict[str, Any]) -> list[int] | None:
    """The four stage times (epoch ms) of one signal, or None when it did not reach the venue."""
    signal_id = str(signal_field(record, "signal_id"))
    status, body = api.call("GET", f"/signals/{signal_id}")
    if status != 200 or not body.get("execution"):
        return None
    report = body["signal"].get("report") or {}
    if not report.get("ts_ms"):
        reason = body["signal"].get("reason") or body["signal"].get("status")
        print(f"    bar {_hhmm(record)}: {signal_field(record, 'side')} -> no order ({reason})", flush=True)
        return None
    print(f"    bar {_hhmm(record)}: {signal_field(record, 'side')} -> order {report.get('status')}", flush=True)
    bar_close = int(signal_field(record, "bar_time")) + 60_000
    stored = next((t for t in _collection_times_ms(stack, bucket, bar_close - 60_000) if t >= bar_close), None)
    started = int(datetime.fromisoformat(body["execution"]["started_at"]).timestamp() * 1000)
    if stored is None:
        return None
    return [stored, _generated_ms(stack, record), started, int(report["ts_ms"])]


def _generated_ms(stack: LocalStack, record: dict[str, Any]) -> int:
    """When generate_signals recorded the signal: its record's creation, written before its
    execution is started."""
    return int(record["created_ms"])


def _hhmm(record: dict[str, Any]) -> str:
    return f"{datetime.fromtimestamp(int(signal_field(record, 'bar_time')) / 1000, UTC):%H:%M}"


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):7.2f}s   p95 {p95:7.2f}s"


def main(bars: int) -> None:
    print(f"bar close -> order acknowledged, 1m sma_cross on the local paper stack, {bars} bars", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="fks-bench-bar-") as state,
        LocalStack(StackOptions(state_dir=Path(state), parameters=dict(PAPER_PARAMETERS))) as stack,
    ):
        assert stack.deployed is not None
        remove_trading_keys(stack)
        bucket = stack.deployed.outputs["DataBucketName"]
        api = admin_api(stack)
        status, _ = api.call("POST", "/assets/enable", {"exchange": "binance", "symbol": SYMBOL, "history_days": 0})
        assert status == 200, status
        strategy_id = f"bench-{uuid.uuid4().hex[:6]}"
        body = {
            "strategy_id": strategy_id,
            "strategy": "sma_cross",
            "symbol": SYMBOL,
            "timeframe": "1m",
            "params": {"fast": 2, "slow": 3},
            "quantity": "0.001",
            "active": True,
        }
        status, answer = api.call("POST", "/strategies", body)
        assert status == 201, answer
        market = simulator(stack)
        # The zigzag's first two minutes cross nothing (a rise, then a fall that leaves the fast
        # average above the slow one); from the third on, every minute crosses. They also warm
        # the functions. Then N measured minutes, and time for the last one's pipeline.
        first = minute_start() + 60
        moves = bars + WARM_UP_BARS
        for index in range(moves):
            sleep_until(first + index * 60 + MOVE_AT_S, _progress, f"minute {index + 1} of {moves}")
            market.move_price(VENUE_SYMBOL, ZIGZAG_PCT[index % 2])
        sleep_until(first + (moves + 1) * 60 + 60, _progress, "the last bar's pipeline")
        warm = (first + WARM_UP_BARS * 60) * 1000
        every = strategy_signals(api, strategy_id)
        print("\nevery signal of the strategy, its order and the position after it:")
        _print_book(api, every)
        print("\nthe measured bars:")
        records = [r for r in every if int(signal_field(r, "bar_time")) >= warm][:bars]
        timed = [(int(signal_field(r, "bar_time")) + 60_000, _stages(api, stack, bucket, r)) for r in records]
    measured = [stages for _, stages in timed if stages is not None]
    closes = [close for close, stages in timed if stages is not None]
    print(f"\n{len(records)} signals from generate_signals after the warm-up, {len(measured)} reached the venue")
    if not measured:
        return
    total = [(stages[-1] - close) / 1000 for stages, close in zip(measured, closes, strict=True)]
    print(f"  bar close -> order acknowledged  {_percentiles(total)}")
    previous = closes
    for index, stage in enumerate(STAGES):
        spans = [(stages[index] - before) / 1000 for stages, before in zip(measured, previous, strict=True)]
        label = f"{'bar close' if index == 0 else STAGES[index - 1]} -> {stage}"
        print(f"    {label:<38} {_percentiles(spans)}")
        previous = [stages[index] for stages in measured]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
