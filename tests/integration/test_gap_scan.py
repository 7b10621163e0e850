"""The scheduled gap scan on the local stack: a hole that a failed backfill left behind is found
again, kept visible (health degraded, its missing candles counted) and repaired once the exchange
answers, checked against the simulator's candles."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from fks.market_data.storage import SeriesKey
from fks_local.alarms import AlarmEvaluator
from tests.integration.market_data_helpers import enable, invoke, simulator_json, store, stored_json
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
MINUTE_MS = 60_000
SOL = SeriesKey.of("binance", "SOL/USDT", "1m")
SERIES = "binance:SOL/USDT:1m"


@pytest.fixture
def sol_with_a_day_of_history(local_stack: StackHandle) -> Iterator[None]:
    """SOL/USDT enabled with a day of history, which a first gap scan completes."""
    assert enable(local_stack, "SOL/USDT", history_days=1).status_code == 200
    first = _scan(local_stack)
    assert first["missing"] == 0, first
    yield
    local_stack.api("POST", "/assets/disable", json={"exchange": "binance", "symbol": "SOL/USDT"})


def _scan(stack: StackHandle) -> dict[str, Any]:
    body = invoke(stack, "GapScanFunction", {})
    return next(result for result in body["scanned"] if result["series"] == SERIES)


def _gaps_part(stack: StackHandle) -> dict[str, Any]:
    body = invoke(stack, "MonitorFunction", {})
    return next(part for part in body["parts"] if part["part"] == f"gaps:{SERIES}")


@pytest.mark.usefixtures("sol_with_a_day_of_history")
def test_a_hole_a_failed_backfill_left_is_kept_red_and_repaired_by_a_later_scan(
    local_stack: StackHandle, aws_env: None
) -> None:
    # Arrange: 20 candles two hours ago lost, and the exchange failing every candle request.
    simulator = local_stack.simulator
    assert simulator is not None
    candle_store = store(local_stack)
    now = int(time.time() * 1000)
    start = now - now % MINUTE_MS - 120 * MINUTE_MS
    end = start + 20 * MINUTE_MS
    assert candle_store.delete_range(SOL, start, end) == 20
    simulator.inject_error("/api/v3/klines", http_status=500, times=1000)

    # Act: a scan while the exchange fails, then one after it recovers.
    try:
        failed = _scan(local_stack)
        while_failing = _gaps_part(local_stack)
        alarms = AlarmEvaluator(local_stack.clients).evaluate_once()
        health = local_stack.api("GET", "/health", scope="read")
    finally:
        simulator.clear_errors()
    repaired = _scan(local_stack)
    after = _gaps_part(local_stack)

    # Assert
    assert (failed["found"], failed["missing"]) == (20, 20)
    assert failed["error"], "the backfill failed, and the scan says so"
    assert while_failing["status"] == "degraded"
    assert "20 candle(s) missing in 1 gap(s)" in while_failing["reason"]
    assert alarms[local_stack.deployed.physical_id("CandleGapsAlarm")] == "ALARM"
    assert health.status_code == 200
    assert health.json()["status"] != "healthy"
    assert (repaired["found"], repaired["missing"], repaired["error"]) == (20, 0, None)
    assert after["status"] == "healthy"
    stored = stored_json(candle_store.read(SOL, start, end))
    assert stored == simulator_json("SOL/USDT", "1m", start, end - MINUTE_MS)
