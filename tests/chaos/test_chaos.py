"""Faults from a seeded schedule while signals flow and collection runs; then the invariants.

For ``FKS_CHAOS_SECONDS`` the simulator answers 5xx, 429, late, lost and timed-out answers on its
order and kline endpoints, Lambda instances are killed mid-invoke, signals are delivered twice at
once and writes to the data bucket fail. Signals enter as generate_signals hands them on (their
record, then their execution, named by the signal id), collection by the collect function the
schedule fires. Afterwards, faults cleared, the stack settles (the order sync and the gap scan
run, every pipeline execution ends) and the invariants are checked: each
booked order is one venue order and every venue order is booked, the collected candles are stored
exactly once with no hole, every signal is in one terminal state, and the engine's position equals
both the venue's fills and the portfolio's book.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from fks.market_data.storage import SeriesKey
from fks.signals import parse_signal
from fks_local.aws_session import LOCAL_CREDENTIALS
from tests.chaos.injectors import InstanceKiller, S3WriteFaults
from tests.chaos.invariants import (
    MINUTE_MS,
    candle_violations,
    engine_orders,
    orders_violations,
    signal_violations,
    venue_filled_delta,
)
from tests.chaos.schedule import ChaosSchedule, fault_label
from tests.integration.execution_helpers import position_quantity
from tests.integration.market_data_helpers import enable
from tests.integration.pipeline_helpers import new_signal, recorder
from tests.stack_handle import StackHandle

SECONDS = float(os.environ.get("FKS_CHAOS_SECONDS", "120"))
SEED = int(os.environ.get("FKS_CHAOS_SEED", "17"))
# Each enabled asset is one more series to collect: more kline requests and S3 writes to fault.
COLLECTED = ("BTC/USDT", "ETH/USDT", "SOL/USDT")
SIGNAL_EVERY_S = 4.0
COLLECT_EVERY_S = 6.0
KILL_EVERY_S = 6.0
SETTLE_TIMEOUT_S = 240.0
# The window, the settle phase, and the stack's start and the checks around them.
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(SECONDS + SETTLE_TIMEOUT_S + 180)]


def _invoke(stack: StackHandle, logical_id: str, event: dict[str, Any] | None = None) -> dict[str, Any]:
    response = stack.clients("lambda").invoke(FunctionName=stack.function(logical_id), Payload=json.dumps(event or {}))
    body: dict[str, Any] = json.loads(response["Payload"].read())
    if "FunctionError" in response:
        raise RuntimeError(f"{logical_id} failed: {body}")
    return body


class ChaosRun:
    """The chaos window: what was sent, fired and killed, and what the stack answered."""

    def __init__(self, stack: StackHandle, schedule: ChaosSchedule, strategy_id: str) -> None:
        self.stack = stack
        self.schedule = schedule
        self.strategy_id = strategy_id
        self.signal_ids: list[str] = []
        self.failed_signals: list[str] = []
        self.counts: Counter[str] = Counter()
        self.venue_fired: Counter[str] = Counter()
        self.s3 = S3WriteFaults(stack.output("DataBucketName"), schedule.seed)
        self.killer = InstanceKiller()
        self._recorder = recorder(stack)
        self._kill_targets = {stack.function("ExecuteOrderFunction"), stack.function("CollectOhlcvFunction")}

    def run(self) -> None:
        simulator = self.stack.simulator
        start = time.monotonic()
        next_phase = next_signal = next_collect = next_kill = 0.0
        collecting: Future[Any] | None = None
        kill_armed = False
        with ThreadPoolExecutor(max_workers=1) as collector, self.s3.installed(), self.killer.installed():
            while (elapsed := time.monotonic() - start) < self.schedule.seconds:
                if elapsed >= next_phase:
                    self._count_venue_faults()
                    simulator.clear_errors()
                    simulator.inject_faults(self.schedule.venue_faults(elapsed), seed=self.schedule.phase_seed())
                    self.s3.probability = 0.5 if self.schedule.chance(0.6) else 0.0
                    next_phase += self.schedule.seconds / self.schedule.phases
                if elapsed >= next_signal:
                    self._send_signal()
                    next_signal += SIGNAL_EVERY_S
                if elapsed >= next_collect and (collecting is None or collecting.done()):
                    self._count_collect(collecting)
                    collecting = collector.submit(_invoke, self.stack, "CollectOhlcvFunction")
                    next_collect = elapsed + COLLECT_EVERY_S
                if elapsed >= next_kill:
                    # Armed until an instance of a target is busy: most invocations are short.
                    kill_armed = self.schedule.unknown_outcomes_allowed(elapsed) and self.schedule.chance(0.5)
                    next_kill += KILL_EVERY_S
                if kill_armed and self.killer.kill_one(self._kill_targets, self.schedule.rng):
                    kill_armed = False
                time.sleep(0.1)
            self._count_venue_faults()
            simulator.clear_errors()
            self.s3.probability = 0.0
            if collecting is not None:
                collecting.exception()
                self._count_collect(collecting)

    def _send_signal(self) -> None:
        side = "sell" if self.schedule.chance(0.25) else "buy"
        signal = new_signal(strategy_id=self.strategy_id, side=side, quantity="0.001")
        signal["signal_id"] = f"chaos-{self.schedule.seed}-{len(self.signal_ids):03d}-{uuid.uuid4().hex[:6]}"
        parsed = parse_signal(signal)
        # As generate_signals hands it on: recorded, then its execution started under its id; some
        # are handed on twice at once, as two overlapping runs would.
        deliveries = 2 if self.schedule.chance(0.3) else 1
        with ThreadPoolExecutor(max_workers=deliveries) as pool:
            list(pool.map(lambda _: self._recorder.record(parsed, int(time.time() * 1000)), range(deliveries)))
        self.signal_ids.append(signal["signal_id"])
        self.counts["signals sent"] += 1
        self.counts["signal redeliveries"] += deliveries - 1

    def _count_collect(self, collecting: Future[Any] | None) -> None:
        if collecting is not None:
            self.counts["collect runs failed" if collecting.exception() else "collect runs ok"] += 1

    def _count_venue_faults(self) -> None:
        report = self.stack.simulator.faults.report()
        for fault in report["active"] + report["spent"]:
            if fault["fired"]:
                self.venue_fired[fault_label(fault)] += int(fault["fired"])


def _prepare(stack: StackHandle) -> None:
    """The assets enabled and collected once, the account synced and reconciled, trading."""
    for symbol in COLLECTED:
        assert enable(stack, symbol).status_code == 200
    _invoke(stack, "CollectOhlcvFunction")
    _invoke(stack, "SyncOrdersFunction")
    _invoke(stack, "ReconcileFunction", {"rebaseline": True})
    stack.api("POST", "/risk/resume", scope="admin")


def _running_executions(stack: StackHandle) -> int:
    sfn = stack.clients("stepfunctions")
    arn = stack.output("SignalStateMachineArn")
    return len(sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"])


def _settle(stack: StackHandle) -> float:
    """Faults cleared: runs the order sync until every execution has ended and no order is left
    unresolved (an unknown outcome waits for its claim's lease), then collection and the gap scan.
    Returns the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < SETTLE_TIMEOUT_S:
        _invoke(stack, "SyncOrdersFunction")
        unresolved = [o for o in engine_orders(stack).values() if o["status"]["S"] in ("initialized", "submitted")]
        if not unresolved and not _running_executions(stack):
            break
        time.sleep(5)
    for _ in range(2):
        _invoke(stack, "CollectOhlcvFunction")
        _invoke(stack, "GapScanFunction")
    return time.monotonic() - start


def test_invariants_hold_after_seeded_chaos(
    chaos_stack: StackHandle, chaos_report: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrange
    stack = chaos_stack
    _point_awswrangler_at(stack, monkeypatch)
    _prepare(stack)
    # The first collection stored 60 candles of each asset.
    first_candles = {symbol: _latest_stored(stack, symbol) - 59 * MINUTE_MS for symbol in COLLECTED}
    position_before = position_quantity(stack)
    run = ChaosRun(stack, ChaosSchedule(SEED, SECONDS), strategy_id=f"chaos-{SEED}")

    # Act
    run.run()
    settle_s = _settle(stack)

    # Assert
    venue = stack.simulator.venue_orders()
    order_problems = orders_violations(stack, venue)
    statuses, signal_problems = signal_violations(stack, run.signal_ids)
    run.failed_signals = [s for s in run.signal_ids if _signal_status(stack, s) == "failed"]
    candle_problems, candles_checked = _candle_problems(stack, first_candles)
    position_delta = position_quantity(stack) - position_before
    venue_delta = venue_filled_delta(venue)
    book = _book(stack, run.strategy_id)
    position_problems = [
        f"{name} {value} != engine position delta {position_delta}"
        for name, value in (("venue fills", venue_delta), ("portfolio book", book))
        if value != position_delta
    ]
    booked = engine_orders(stack)
    _report(chaos_report, run, settle_s, statuses, booked, venue, candles_checked, position_delta)
    invariants = {
        "venue orders == booked orders": order_problems,
        "every signal in one terminal state": signal_problems,
        "candles stored exactly once, no hole": candle_problems,
        "position == venue fills == book": position_problems,
    }
    for name, problems in invariants.items():
        chaos_report.append(f"invariant {name}: {'held' if not problems else 'BROKEN: ' + '; '.join(problems[:10])}")
    assert not any(invariants.values()), invariants


def _signal_status(stack: StackHandle, signal_id: str) -> str:
    response = stack.api("GET", f"/signals/{signal_id}", scope="read")
    return str(response.json()["signal"].get("status")) if response.status_code == 200 else "missing"


def _point_awswrangler_at(stack: StackHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    """The candle store's reads go through awswrangler's default boto3 session."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.endpoint_url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)


def _candle_problems(stack: StackHandle, first_candles: dict[str, int]) -> tuple[list[str], int]:
    """Each collected series from its first candle to the last closed minute; the problems and
    the number of candles checked."""
    problems: list[str] = []
    checked = 0
    now = int(time.time() * 1000)
    for symbol, first in first_candles.items():
        last = _latest_stored(stack, symbol)
        checked += (last - first) // MINUTE_MS + 1
        key = SeriesKey.of("binance", symbol, "1m")
        problems += [f"{symbol}: {problem}" for problem in candle_violations(stack, key, symbol, first, last)]
        if last < now - now % MINUTE_MS - 2 * MINUTE_MS:
            problems.append(f"{symbol}: newest stored candle {last} is older than the last closed minute")
    return problems, checked


def _latest_stored(stack: StackHandle, symbol: str) -> int:
    from fks_adapters.market_data.s3_store import S3CandleStore

    key = SeriesKey.of("binance", symbol, "1m")
    latest = S3CandleStore(stack.output("DataBucketName"), stack.clients("s3")).latest_open_time(key)
    assert latest is not None, "nothing collected"
    return latest


def _book(stack: StackHandle, strategy_id: str) -> Decimal:
    portfolio = stack.api("GET", "/portfolio", scope="read").json()
    books = [s["books"] for s in portfolio["strategies"] if s["strategy_id"] == strategy_id]
    return sum((Decimal(b["quantity"]) for b in (books[0] if books else []) if b["symbol"] == "BTC/USDT"), Decimal(0))


def _report(
    lines: list[str],
    run: ChaosRun,
    settle_s: float,
    statuses: Counter[str],
    booked: dict[str, dict[str, Any]],
    venue: list[dict[str, Any]],
    candles_checked: int,
    position_delta: Decimal,
) -> None:
    schedule = run.schedule
    lines.append(
        f"seed {schedule.seed}, {schedule.seconds:.0f} s of chaos in {schedule.phases} phases, "
        f"settled in {settle_s:.0f} s"
    )
    for label, fired in sorted(run.venue_fired.items()):
        lines.append(f"  simulator fault fired {fired:4d}x  {label}")
    lines.append(f"  S3 writes failed: {run.s3.injected}")
    kills = (
        ", ".join(f"{name} {n}" for name, n in sorted(run.killer.killed.items()))
        or "none (no instance busy at a kill tick)"
    )
    lines.append(f"  Lambda instances killed mid-invoke: {kills}")
    for name, count in sorted(run.counts.items()):
        lines.append(f"  {name}: {count}")
    lines.append(f"signals by final status: {dict(sorted(statuses.items()))}")
    for signal_id in run.failed_signals:
        item = booked.get(f"sig-{signal_id}", {})
        status, filled = item.get("status", {}).get("S", "none"), item.get("filled_qty", {}).get("N", "0")
        lines.append(f"  failed signal {signal_id}: its order {status}, filled {filled}")
    booked_statuses = Counter(item["status"]["S"] for item in booked.values())
    lines.append(f"orders booked {len(booked)} {dict(sorted(booked_statuses.items()))}, venue orders {len(venue)}")
    lines.append(
        f"candles checked: {candles_checked} in {len(COLLECTED)} series; engine position delta {position_delta}"
    )
