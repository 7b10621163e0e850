"""The adapters against LocalStack itself (``localstack-core`` on the host): the S3 candle store
(the integration tier's tests, imported so there is one copy), topics, queues, schedules that
deliver, the state machine definitions, secrets and metrics."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from fks_adapters.aws.health import HEALTHY, PartHealth
from fks_adapters.aws.health_metrics import NAMESPACE, UNHEALTHY_PARTS_METRIC, publish_health
from fks_adapters.aws.rotating_secret import RotatingSecret
from fks_adapters.pipeline.notifier import Notice, SnsNotifier
from tests.integration.test_s3_candle_store import (
    test_a_day_in_the_old_single_file_layout_is_read_and_folded_with_new_parts,
    test_a_part_written_while_a_compaction_runs_is_neither_lost_nor_folded_twice,
    test_a_range_is_deleted_across_parts,
    test_a_revised_candle_is_a_newer_part_that_wins_on_read,
    test_a_write_across_midnight_lands_in_two_date_partitions,
    test_a_write_to_a_finished_day_folds_that_day_at_once,
    test_compaction_folds_a_day_into_one_file_with_the_same_candles_and_is_idempotent,
    test_each_minute_adds_a_part_and_no_file_is_ever_overwritten,
)
from tests.localstack.conftest import ScheduledRule
from tests.localstack.server import PROJECT_ROOT

pytestmark = pytest.mark.localstack

__all__ = [
    "test_a_day_in_the_old_single_file_layout_is_read_and_folded_with_new_parts",
    "test_a_part_written_while_a_compaction_runs_is_neither_lost_nor_folded_twice",
    "test_a_range_is_deleted_across_parts",
    "test_a_revised_candle_is_a_newer_part_that_wins_on_read",
    "test_a_write_across_midnight_lands_in_two_date_partitions",
    "test_a_write_to_a_finished_day_folds_that_day_at_once",
    "test_compaction_folds_a_day_into_one_file_with_the_same_candles_and_is_idempotent",
    "test_each_minute_adds_a_part_and_no_file_is_ever_overwritten",
]
STATE_MACHINES = PROJECT_ROOT / "infra" / "statemachines"


def _queue(clients: Any, name: str, **attributes: str) -> tuple[str, str]:
    sqs = clients("sqs")
    url = sqs.create_queue(QueueName=f"{name}-{uuid.uuid4().hex[:8]}", Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _receive(clients: Any, url: str, timeout_s: float) -> list[dict[str, Any]]:
    sqs = clients("sqs")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if messages:
            return list(messages)
    return []


def test_a_notice_sent_to_the_topic_reaches_its_subscribed_queue(clients: Any) -> None:
    topic = clients("sns").create_topic(Name=f"fks-signal-notices-{uuid.uuid4().hex[:8]}")["TopicArn"]
    url, arn = _queue(clients, "notices")
    clients("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    notice = Notice("FKS signal completed: sig-1", "filled 0.002 BTC/USDT", {"status": "completed"})
    message_id = SnsNotifier(topic, clients("sns")).send(notice)
    [message] = _receive(clients, url, timeout_s=20)
    envelope = json.loads(message["Body"])
    assert envelope["MessageId"] == message_id
    assert (envelope["Subject"], envelope["Message"]) == (notice.subject, notice.text)
    assert envelope["MessageAttributes"]["status"]["Value"] == "completed"


def test_a_message_received_too_often_moves_to_the_dead_letter_queue(clients: Any) -> None:
    """The NinjaTrader queue's redrive (template.yaml: maxReceiveCount 5, here 3 to be quick), with a
    short visibility so the receives come quickly."""
    dlq_url, dlq_arn = _queue(clients, "ninjatrader-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    url, _ = _queue(clients, "ninjatrader", VisibilityTimeout="1", RedrivePolicy=redrive)
    sqs = clients("sqs")
    sqs.send_message(QueueUrl=url, MessageBody='{"signal_id": "sig-poison"}')
    received = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (dead := _receive(clients, dlq_url, timeout_s=0.5)):
        received += len(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []))
    assert received == 3  # each receive without a delete is a failed delivery
    assert [json.loads(m["Body"])["signal_id"] for m in dead] == ["sig-poison"]


def _definition(path: Path) -> str:
    """The definition with each ${Name} substitution a function ARN, as CloudFormation fills it."""
    text = path.read_text()
    for name in {part.split("}", 1)[0] for part in text.split("${")[1:]}:
        text = text.replace(f"${{{name}}}", f"arn:aws:lambda:us-east-1:000000000000:function:{name}")
    return text


@pytest.mark.parametrize("name", ["signal_to_execution", "optimization"])
def test_the_state_machine_definitions_are_accepted(clients: Any, name: str) -> None:
    sfn = clients("stepfunctions")
    role = "arn:aws:iam::000000000000:role/fks-state-machine"
    definition = _definition(STATE_MACHINES / f"{name}.asl.json")
    created = sfn.create_state_machine(name=f"fks-{name}-{uuid.uuid4().hex[:8]}", definition=definition, roleArn=role)
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert json.loads(described["definition"])["StartAt"]
    broken = json.loads(definition)
    # The same definition with its first state of a type ASL has not must be refused (LocalStack
    # accepts a StartAt naming no state, so that is no check of it).
    broken["States"][broken["StartAt"]]["Type"] = "Tsak"
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.create_state_machine(name=f"fks-broken-{uuid.uuid4().hex[:8]}", definition=json.dumps(broken), roleArn=role)


def test_a_rotated_secret_is_read_again_after_a_refresh(clients: Any) -> None:
    secrets = clients("secretsmanager")
    name = f"fks/exchange/{uuid.uuid4().hex[:8]}"
    secrets.create_secret(Name=name, SecretString='{"api_key": "k1", "api_secret": "s1"}')
    now = [0.0]
    secret = RotatingSecret(name, max_age_s=300, refresh_gap_s=0, client=secrets, clock=lambda: now[0])
    assert json.loads(secret.current())["api_key"] == "k1"
    secrets.put_secret_value(SecretId=name, SecretString='{"api_key": "k2", "api_secret": "s2"}')
    assert json.loads(secret.current())["api_key"] == "k1"  # cached until refreshed or too old
    now[0] += 1
    assert secret.refresh()
    assert json.loads(secret.current())["api_key"] == "k2"


def test_health_metrics_are_published_and_read_back(clients: Any) -> None:
    stage = f"ls{uuid.uuid4().hex[:6]}"
    parts = [PartHealth("table:fks-signals", HEALTHY), PartHealth("dlq:ninjatrader", "degraded", "3 messages", 3.0)]
    assert publish_health(parts, stage, clients("cloudwatch")) > 0
    cloudwatch = clients("cloudwatch")
    deadline = time.monotonic() + 20
    points: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not points:
        points = cloudwatch.get_metric_statistics(
            Namespace=NAMESPACE,
            MetricName=UNHEALTHY_PARTS_METRIC,
            Dimensions=[{"Name": "Stage", "Value": stage}],
            StartTime=time.time() - 600,
            EndTime=time.time() + 60,
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        time.sleep(0.5)
    assert [p["Maximum"] for p in points] == [1.0]  # one part of the two is not healthy


def test_a_schedule_delivers_its_constant_input(clients: Any, every_minute_rule: ScheduledRule) -> None:
    """An EventBridge schedule (the template's rate rules) fires by itself and hands its target the
    constant Input, as ModelsFunction's training schedule does. The rule was made when LocalStack
    started and this test runs last (conftest), so it waits out only what is left of the minute."""
    waited = time.monotonic() - every_minute_rule.made_at
    messages = _receive(clients, every_minute_rule.queue_url, timeout_s=max(90 - waited, 1))
    assert messages, "a rate(1 minute) rule delivered nothing in 90 s"
    assert json.loads(messages[0]["Body"]) == every_minute_rule.constant_input
