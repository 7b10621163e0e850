"""Fires the emulator's scheduled EventBridge rules on time (moto stores rules, never fires them).

Kept (issue 25): moto 5.2.5 stores EventBridge rules and Scheduler schedules and fires neither (no
timer in moto.events or moto.scheduler); MiniStack fires both, but only on the second target.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from fks_local.background import BackgroundLoop
from fks_local.schedules import ScheduleError, parse

log = logging.getLogger(__name__)


def scheduled_event(rule_arn: str, account: str, region: str, when: datetime) -> dict[str, Any]:
    """The event EventBridge sends a target of a schedule rule."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


class Scheduler(BackgroundLoop):
    def __init__(self, clients: Any, account: str, region: str, stack_name: str | None = None) -> None:
        super().__init__("scheduler", 1.0)
        self._clients = clients
        self._account = account
        self._region = region
        self._next: dict[str, datetime] = {}
        # One emulator process can hold several stacks (moto's backends are per process), and one
        # stack's name can prefix another's ("fks" and "fks-paper"): a rule is this stack's when its
        # name is CloudFormation's default `<stack>-<LogicalId>`, logical ids being alphanumeric.
        self._own_rule = re.compile(rf"{re.escape(stack_name)}-[A-Za-z0-9]+") if stack_name else None

    def schedule_rules(self) -> list[dict[str, Any]]:
        events = self._clients("events")
        rules: list[dict[str, Any]] = []
        for page in events.get_paginator("list_rules").paginate():
            rules.extend(r for r in page["Rules"] if r.get("ScheduleExpression") and r.get("State") == "ENABLED")
        if self._own_rule is not None:
            rules = [r for r in rules if self._own_rule.fullmatch(r["Name"])]
        return rules

    def fire(self, rule: dict[str, Any], when: datetime, wait: bool = False) -> list[dict[str, Any]]:
        """Deliver the rule's event to each of its targets; returns what each target answered."""
        events = self._clients("events")
        targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        default = json.dumps(scheduled_event(rule["Arn"], self._account, self._region, when))
        outcomes = []
        for target in targets:
            payload = target.get("Input") or default
            outcomes.append(self._deliver(target["Arn"], payload, wait))
        return outcomes

    def _deliver(self, arn: str, payload: str, wait: bool) -> dict[str, Any]:
        service = arn.split(":")[2]
        if service == "lambda":
            response = self._clients("lambda").invoke(
                FunctionName=arn, InvocationType="RequestResponse" if wait else "Event", Payload=payload.encode()
            )
            body = response["Payload"].read().decode()
            return {"target": arn, "error": response.get("FunctionError"), "payload": body}
        if service == "sqs":
            name = arn.rsplit(":", 1)[-1]
            url = self._clients("sqs").get_queue_url(QueueName=name)["QueueUrl"]
            self._clients("sqs").send_message(QueueUrl=url, MessageBody=payload)
            return {"target": arn, "error": None}
        if service == "states":
            execution = self._clients("stepfunctions").start_execution(stateMachineArn=arn, input=payload)
            return {"target": arn, "error": None, "execution": execution["executionArn"]}
        return {"target": arn, "error": f"target service {service} is not delivered locally"}

    def tick(self) -> dict[str, list[dict[str, Any]]]:
        """Fire every enabled schedule once, now, and wait for the answers (tests and demos)."""
        now = datetime.now(UTC)
        return {rule["Name"]: self.fire(rule, now, wait=True) for rule in self.schedule_rules()}

    def run_pass(self) -> None:
        self._due(datetime.now(UTC))

    def _due(self, now: datetime) -> list[str]:
        """Fire the rules whose time has come; returns their names."""
        fired = []
        for rule in self.schedule_rules():
            name = rule["Name"]
            try:
                schedule = parse(rule["ScheduleExpression"])
            except ScheduleError as exc:
                log.error("rule %s: %s", name, exc)
                continue
            due = self._next.setdefault(name, schedule.next_after(now))
            if now >= due:
                log.info("firing %s (%s)", name, rule["ScheduleExpression"])
                self.fire(rule, due)
                fired.append(name)
                self._next[name] = schedule.next_after(now)
        return fired
