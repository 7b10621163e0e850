"""Schedules deliver to the deployed functions as EventBridge would."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fks_local.scheduler import Scheduler
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


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
