"""SQS event sources and schedules deliver to the deployed functions as AWS would."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from fks_local.event_sources import SqsPoller
from fks_local.scheduler import Scheduler
from tests.stack_handle import StackHandle
from tests.stubs import SignalStubs

pytestmark = pytest.mark.moto_only


def test_signal_on_queue_starts_one_execution_named_by_signal_id(local_stack: StackHandle) -> None:
    sqs = local_stack.clients("sqs")
    signal = SignalStubs.market_buy(f"sig-{uuid.uuid4().hex[:12]}")
    queue_url = local_stack.output("SignalEventsQueueUrl")

    # The same signal twice: a retry upstream must not start a second pipeline run.
    for _ in range(2):
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(signal))
        SqsPoller(local_stack.clients, "us-east-1").poll_once()

    executions = local_stack.clients("stepfunctions").list_executions(
        stateMachineArn=local_stack.output("SignalStateMachineArn")
    )["executions"]
    assert [e["name"] for e in executions].count(signal["signal_id"]) == 1
    remaining = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert remaining["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_message_without_signal_id_stays_on_queue_for_redrive(local_stack: StackHandle) -> None:
    sqs = local_stack.clients("sqs")
    queue_url = local_stack.output("SignalEventsQueueUrl")
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"symbol": "BTC/USDT"}))

    delivered = SqsPoller(local_stack.clients, "us-east-1").poll_once()

    assert delivered == 0  # reported as a batch item failure, so not deleted
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])[
        "Attributes"
    ]
    assert int(attributes["ApproximateNumberOfMessagesNotVisible"]) >= 1


def test_tick_fires_each_schedule_and_returns_the_handler_answer(local_stack: StackHandle) -> None:
    account = local_stack.clients("sts").get_caller_identity()["Account"]

    outcomes = Scheduler(local_stack.clients, account, "us-east-1", local_stack.deployed.name).tick()

    monitor_rule = next(name for name in outcomes if "MonitorFunction" in name)
    (answer,) = outcomes[monitor_rule]
    assert answer["error"] is None
    assert json.loads(answer["payload"])["status"] == "healthy"


def test_scheduler_fires_a_rule_when_its_time_comes(local_stack: StackHandle) -> None:
    account = local_stack.clients("sts").get_caller_identity()["Account"]
    scheduler = Scheduler(local_stack.clients, account, "us-east-1", local_stack.deployed.name)
    rule = next(r for r in scheduler.schedule_rules() if "MonitorFunction" in r["Name"])
    start = datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC)

    before = scheduler._due(start)  # learns the next fire time (00:05 for rate(5 minutes))
    early = scheduler._due(datetime(2026, 1, 1, 0, 4, 59, tzinfo=UTC))
    on_time = scheduler._due(datetime(2026, 1, 1, 0, 5, 1, tzinfo=UTC))

    assert rule["Name"] not in before
    assert rule["Name"] not in early
    assert rule["Name"] in on_time
    assert scheduler._next[rule["Name"]] == datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
