"""A part that stops working turns its health and its alarm red within one monitor run."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from fks_adapters.aws.health_metrics import check_heartbeat
from fks_local.alarms import AlarmEvaluator
from fks_ninja.heartbeat import Heartbeat
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


def _scheduled_monitor_run(local_stack: StackHandle) -> dict[str, Any]:
    response = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function("MonitorFunction"),
        Payload=json.dumps({"source": "aws.events", "detail-type": "Scheduled Event"}).encode(),
    )
    assert "FunctionError" not in response, response["Payload"].read()
    return dict(json.loads(response["Payload"].read()))


def _drain(sqs: Any, queue_url: str) -> None:
    # Receive and delete rather than PurgeQueue, which SQS allows once a minute per queue.
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )


def _alarm_state(local_stack: StackHandle, logical_id: str) -> str:
    name = local_stack.deployed.physical_id(logical_id)
    return str(local_stack.clients("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"])


def test_health_checks_every_function_table_queue_and_pipeline(local_stack: StackHandle) -> None:
    body = _scheduled_monitor_run(local_stack)

    parts = {p["part"] for p in body["parts"]}
    assert f"function:{local_stack.function('ValidateSignalFunction')}" in parts
    assert f"table:{local_stack.deployed.physical_id('IdempotencyTable')}" in parts
    assert any(p.startswith("state_machine:") for p in parts)
    assert any(p.startswith("dlq:") for p in parts)


def test_message_in_dead_letter_queue_turns_health_and_alarm_red(local_stack: StackHandle) -> None:
    sqs = local_stack.clients("sqs")
    dlq_url = local_stack.deployed.physical_id("NinjaTraderDeadLetterQueue")
    evaluator = AlarmEvaluator(local_stack.clients)
    _scheduled_monitor_run(local_stack)
    evaluator.evaluate_once()
    assert _alarm_state(local_stack, "NinjaTraderDeadLetterAlarm") == "OK"
    sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps({"signal_id": f"lost-{uuid.uuid4().hex[:8]}"}))

    try:
        body = _scheduled_monitor_run(local_stack)
        states = evaluator.evaluate_once()
        health = requests.get(f"{local_stack.api_url}/health", timeout=30)
    finally:
        _drain(sqs, dlq_url)

    dlq_part = next(p for p in body["parts"] if p["part"].startswith("dlq:fks-ninjatrader-dlq"))
    assert dlq_part["status"] == "degraded"
    assert "1 message(s) waiting" in dlq_part["reason"]
    assert states[local_stack.deployed.physical_id("NinjaTraderDeadLetterAlarm")] == "ALARM"
    assert states[local_stack.deployed.physical_id("UnhealthyPartsAlarm")] == "ALARM"
    assert health.status_code == 200, "degraded is still serving: 503 is kept for a part that is down"
    assert health.json()["status"] == "degraded"


def test_alarm_returns_to_ok_once_a_period_passes_without_the_breach(local_stack: StackHandle) -> None:
    sqs = local_stack.clients("sqs")
    dlq_url = local_stack.deployed.physical_id("NinjaTraderDeadLetterQueue")
    alarm = local_stack.deployed.physical_id("NinjaTraderDeadLetterAlarm")
    evaluator = AlarmEvaluator(local_stack.clients)
    sqs.send_message(QueueUrl=dlq_url, MessageBody="{}")
    _scheduled_monitor_run(local_stack)
    assert evaluator.evaluate_once()[alarm] == "ALARM"
    _drain(sqs, dlq_url)
    time.sleep(2.5)  # the breach's data point must fall before the next period's window
    recovered_at = datetime.now(UTC)

    _scheduled_monitor_run(local_stack)
    # As CloudWatch does, the Maximum over the period keeps the alarm red until a period
    # holds only healthy points: evaluate at the end of the period that starts now.
    states = evaluator.evaluate_once(now=recovered_at + timedelta(seconds=299.5))

    assert states[alarm] == "OK"


def test_dashboard_is_deployed_with_every_widget(local_stack: StackHandle) -> None:
    name = local_stack.deployed.physical_id("OperationsDashboard")

    body = json.loads(local_stack.clients("cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"])

    titles = {w["properties"].get("title") for w in body["widgets"]}
    assert {
        "Unhealthy parts, per kind (GET /health names them)",
        "Dead-letter queue depth",
        "Signal outcomes",
        "Alarms",
    } <= titles
    assert "${" not in json.dumps(body)


def test_bridge_heartbeat_turns_its_part_healthy_and_its_absence_down(local_stack: StackHandle) -> None:
    cloudwatch = local_stack.clients("cloudwatch")
    bridge = f"bridge-{uuid.uuid4().hex[:6]}"

    silent = check_heartbeat("dev", bridge, 180, cloudwatch)
    assert Heartbeat(cloudwatch, "dev", bridge).beat()
    alive = check_heartbeat("dev", bridge, 180, cloudwatch)

    assert silent.status == "down"
    assert "no heartbeat" in silent.reason
    assert alive.status == "healthy"


def test_enabled_asset_without_fresh_candles_turns_data_health_and_alarm_red(local_stack: StackHandle) -> None:
    from fks.market_data.storage import SeriesKey
    from fks_adapters.market_data.assets import AssetRegistry

    registry = AssetRegistry(local_stack.deployed.physical_id("AssetsTable"), local_stack.clients("dynamodb"))
    # A series no other test collects, and that the simulator does not list, so nothing fills it.
    key = SeriesKey.of("binance", "BNB/USDT", "1m")
    registry.enable(key, history_days=0)
    try:
        body = _scheduled_monitor_run(local_stack)
        states = AlarmEvaluator(local_stack.clients).evaluate_once()
    finally:
        registry.disable("binance", "BNB/USDT")

    part = next(p for p in body["parts"] if p["part"] == "data:binance:BNB/USDT:1m")
    assert part["status"] == "degraded"
    assert "no candles are stored" in part["reason"]
    assert states[local_stack.deployed.physical_id("DataStalenessAlarm")] == "ALARM"


def test_freshness_goes_stale_after_three_missed_candles(local_stack: StackHandle) -> None:
    from fks.market_data import raw_frame_from_ccxt, validate_candles
    from fks.market_data.storage import SeriesKey
    from fks_adapters.market_data.assets import Asset
    from fks_adapters.market_data.freshness import check_asset
    from fks_adapters.market_data.s3_store import S3CandleStore
    from fks_exchange_sim import sample_candles

    store = S3CandleStore(local_stack.deployed.physical_id("DataBucket"), local_stack.clients("s3"))
    asset = Asset("binance", "SOL/USDT", SeriesKey.of("binance", "SOL/USDT", "4h").timeframe, True, 0, "")
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    end = now_ms // 14_400_000 * 14_400_000
    klines = sample_candles("SOLUSDT", "4h", end - 6 * 14_400_000, end - 1)
    raw = raw_frame_from_ccxt([row[:6] for row in klines])
    store.write(asset.key, validate_candles(raw, timeframe="4h", now_ms=now_ms).accepted)
    written = datetime.now(UTC)

    fresh = check_asset(asset, store, written + timedelta(hours=11))
    stale = check_asset(asset, store, written + timedelta(hours=13))

    assert fresh.status == "healthy"
    assert stale.status == "degraded"
    assert "limit 43200 s" in stale.reason


def test_halted_trading_turns_its_health_and_the_circuit_breaker_alarm_red(local_stack: StackHandle) -> None:
    halted = local_stack.api("POST", "/risk/halt", scope="admin")
    assert halted.status_code == 200, halted.text
    try:
        body = _scheduled_monitor_run(local_stack)
        states = AlarmEvaluator(local_stack.clients).evaluate_once()
    finally:
        assert local_stack.api("POST", "/risk/resume", scope="admin").status_code == 200

    part = next(p for p in body["parts"] if p["part"] == f"trading:{halted.json()['account']}")
    assert part["status"] == "down"
    assert "trading is halted" in part["reason"]
    assert states[local_stack.deployed.physical_id("CircuitBreakerAlarm")] == "ALARM"
