"""The LocalStack tier (issue 25): the adapters against ``localstack-core`` on the host. A tier of
its own (``make test-localstack``; ``pytest tests/localstack -m localstack``); the plain ``pytest
tests`` run skips it."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fks_local.aws_session import client_factory
from fks_local.deploy import DeployedStack
from tests.localstack.server import LOCALSTACK_PYTHON, PROJECT_ROOT, LocalStackServer
from tests.stack_handle import StackHandle

STATE_DIR = PROJECT_ROOT / ".fks" / "localstack"
START_SECONDS = pytest.StashKey[float]()
# Runs after every other test of the session: its rule fires a minute after it is made (below).
RUNS_LAST = "test_a_schedule_delivers_its_constant_input"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "localstack" in (config.getoption("markexpr") or ""):
        last = [item for item in items if "localstack" in item.keywords and item.name == RUNS_LAST]
        items[:] = [item for item in items if item not in last] + last
        return
    skip = pytest.mark.skip(reason="the LocalStack tier runs on its own: make test-localstack")
    for item in items:
        if "localstack" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    seconds = config.stash.get(START_SECONDS, None)
    if seconds is not None:
        terminalreporter.section("LocalStack")
        terminalreporter.write_line(f"localstack-core answering {seconds:.2f} s after start")


@pytest.fixture(scope="session")
def localstack(pytestconfig: pytest.Config) -> Iterator[LocalStackServer]:
    if not LOCALSTACK_PYTHON.exists():
        pytest.fail("the LocalStack tier needs .venv-localstack: run make localstack-tools")
    shutil.rmtree(STATE_DIR, ignore_errors=True)  # kept after a run for its log
    STATE_DIR.mkdir(parents=True)
    server = LocalStackServer(STATE_DIR)
    try:
        pytestconfig.stash[START_SECONDS] = server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def clients(localstack: LocalStackServer) -> Any:
    """``clients('s3')``: a boto3 client bound to LocalStack."""
    return client_factory(localstack.url)


@pytest.fixture(scope="session")
def local_stack(localstack: LocalStackServer, clients: Any) -> StackHandle:
    """What the integration tier's S3 tests read of a stack: the data bucket (versioned, as the
    template declares it) and the clients."""
    bucket = "fks-data-localstack"
    clients("s3").create_bucket(Bucket=bucket)
    clients("s3").put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    deployed = DeployedStack("localstack-adapters", "us-east-1", "000000000000", localstack.url)
    deployed.outputs["DataBucketName"] = bucket
    return StackHandle(localstack.url, deployed, {}, None, clients)


@dataclass(frozen=True)
class ScheduledRule:
    """A ``rate(1 minute)`` EventBridge rule whose target is a queue, with the constant input it
    hands the target, and when it was made (``time.monotonic()``)."""

    queue_url: str
    constant_input: dict[str, str]
    made_at: float


@pytest.fixture(scope="session", autouse=True)
def every_minute_rule(clients: Any) -> Iterator[ScheduledRule]:
    """Made as soon as LocalStack answers, as a deploy makes the template's rules, and checked by
    the session's last test: LocalStack fires a rate rule a minute after it is put, and that
    minute passes while the other tests run (in ``make test``, MiniStack's tier as well)."""
    sqs, events = clients("sqs"), clients("events")
    url = sqs.create_queue(QueueName=f"schedule-target-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule = f"fks-every-minute-{uuid.uuid4().hex[:8]}"
    constant_input = {"schedule": "train_enabled_assets"}  # ModelsFunction's training schedule's input
    events.put_rule(Name=rule, ScheduleExpression="rate(1 minute)", State="ENABLED")
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn, "Input": json.dumps(constant_input)}])
    try:
        yield ScheduledRule(url, constant_input, time.monotonic())
    finally:
        events.remove_targets(Rule=rule, Ids=["q"])
        events.delete_rule(Name=rule)
