"""Signals per second through the whole local pipeline, and the latency each state adds.

Starts a local stack with the exchange simulator, collects BTC/USDT candles so the risk check
has prices, warms every function with one signal, then runs N market-buy signals: first one at
a time (latency), then all started at once (throughput). Each state's time is read from the
execution history (StateEntered → StateExited), the way the Step Functions console shows it.
Prints figures; asserts nothing. The local figures include the local Lambda runtime's IPC and
moto's state-machine interpreter, so they bound AWS from neither side: they compare our states
with each other and one change with the next.

Run: .venv/bin/python benchmarks/signal_pipeline.py [signals]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from fks.market_data.storage import SeriesKey
from fks_adapters.market_data.assets import AssetRegistry
from fks_local.stack import LocalStack, StackOptions


def _signal() -> dict[str, Any]:
    return {
        "signal_id": f"bench-{uuid.uuid4().hex[:12]}",
        "strategy_id": "bench",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "side": "buy",
        "quantity": "0.0002",
        "timeframe": "1m",
        "bar_time": int(time.time() * 1000) // 60_000 * 60_000,
    }


def _wait(sfn: Any, arns: list[str]) -> list[dict[str, Any]]:
    done: dict[str, dict[str, Any]] = {}
    last_report = time.monotonic()
    while len(done) < len(arns):
        for arn in arns:
            if arn not in done:
                description = sfn.describe_execution(executionArn=arn)
                if description["status"] != "RUNNING":
                    done[arn] = description
        if time.monotonic() - last_report > 5:
            print(f"    {len(done)}/{len(arns)} executions finished", flush=True)
            last_report = time.monotonic()
        time.sleep(0.05)
    return [done[arn] for arn in arns]


def _state_times(sfn: Any, arn: str) -> dict[str, float]:
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    entered: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for event in events:
        if "stateEnteredEventDetails" in event:
            entered[event["stateEnteredEventDetails"]["name"]] = event["timestamp"]
        elif "stateExitedEventDetails" in event:
            name = event["stateExitedEventDetails"]["name"]
            seconds[name] = (event["timestamp"] - entered[name]).total_seconds()
    return seconds


def _run(stack: LocalStack, count: int, *, concurrent: bool) -> tuple[float, list[dict[str, Any]]]:
    sfn = stack.clients("stepfunctions")
    machine = stack.deployed.outputs["SignalStateMachineArn"] if stack.deployed else ""
    started = time.perf_counter()
    results = []
    arns: list[str] = []
    for _ in range(count):
        signal = _signal()
        arn = sfn.start_execution(stateMachineArn=machine, name=signal["signal_id"], input=json.dumps(signal))
        arns.append(arn["executionArn"])
        if not concurrent:
            results += _wait(sfn, arns[-1:])
    if concurrent:
        results = _wait(sfn, arns)
    return time.perf_counter() - started, results


def _collect_btc(stack: LocalStack) -> None:
    """Enable BTC/USDT and collect once: the risk check prices orders from stored candles."""
    assert stack.deployed is not None
    registry = AssetRegistry(stack.deployed.physical_id("AssetsTable"), stack.clients("dynamodb"))
    registry.enable(SeriesKey.of("binance", "BTC/USDT", "1m"), history_days=0)
    collector = stack.deployed.physical_id("CollectOhlcvFunction")
    stack.clients("lambda").invoke(FunctionName=collector, Payload=b"{}")


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as state_dir:
        print("starting the local stack ...", flush=True)
        with LocalStack(StackOptions(state_dir=Path(state_dir), schedules=False)) as stack:
            _collect_btc(stack)
            print("warming every function with one signal ...", flush=True)
            _run(stack, 1, concurrent=False)
            sfn = stack.clients("stepfunctions")

            print(f"{count} signals one at a time ...", flush=True)
            sequential_s, sequential = _run(stack, count, concurrent=False)
            print(f"{count} signals started together ...", flush=True)
            concurrent_s, concurrent = _run(stack, count, concurrent=True)

            failed = [r for r in sequential + concurrent if r["status"] != "SUCCEEDED"]
            per_state: dict[str, list[float]] = defaultdict(list)
            totals = []
            for result in sequential:
                times = _state_times(sfn, result["executionArn"])
                for name, seconds in times.items():
                    per_state[name].append(seconds * 1000)
                totals.append((result["stopDate"] - result["startDate"]).total_seconds() * 1000)

    print()
    print(f"signals: {count} per run, {len(failed)} did not succeed")
    print(f"one at a time : {count / sequential_s:6.2f} signals/s, end to end p50 {statistics.median(totals):7.1f} ms")
    print(f"all together  : {count / concurrent_s:6.2f} signals/s")
    print()
    print(f"{'state':<18}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, values in sorted(per_state.items(), key=lambda item: -statistics.median(item[1])):
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"{name:<18}{statistics.median(values):>10.1f}{p95:>10.1f}{values[-1]:>10.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
