"""Evaluates the emulator's CloudWatch metric alarms, as CloudWatch does every minute.

moto stores alarms and metric data but never evaluates one against the other; this does, sets
the alarm's state through the CloudWatch API and notifies the alarm's SNS actions on a change.

Kept (issue 25): moto 5.2.5 changes an alarm's state only through SetAlarmState; MiniStack
evaluates alarms but refuses one on metric math (ForeignFillAlarm), and runs on the second target.
"""

from __future__ import annotations

import json
import logging
import operator
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fks_local.background import BackgroundLoop

log = logging.getLogger(__name__)
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


_REDUCE: dict[str, Callable[[list[float]], float]] = {
    "Maximum": max,
    "Minimum": min,
    "Sum": sum,
    "SampleCount": sum,
    "Average": lambda values: sum(values) / len(values),
}


def _period_values(alarm: dict[str, Any], datapoints: list[dict[str, Any]], now: datetime) -> list[float | None]:
    """One value per evaluation period, oldest first; None where the period has no data."""
    period = int(alarm["Period"])
    statistic = alarm.get("Statistic", "Average")
    values: list[float | None] = []
    for index in range(int(alarm["EvaluationPeriods"]), 0, -1):
        start = now - timedelta(seconds=period * index)
        end = now - timedelta(seconds=period * (index - 1)) + timedelta(seconds=1 if index == 1 else 0)
        inside = [float(p[statistic]) for p in datapoints if start <= p["Timestamp"] < end]
        values.append(_REDUCE.get(statistic, _REDUCE["Average"])(inside) if inside else None)
    return values


def evaluate(alarm: dict[str, Any], datapoints: list[dict[str, Any]], now: datetime) -> tuple[str, str]:
    """The state an alarm should be in, and why, from its datapoints: CloudWatch's M-of-N rule."""
    compare = _COMPARE.get(alarm["ComparisonOperator"])
    if compare is None:
        return "INSUFFICIENT_DATA", f"comparison {alarm['ComparisonOperator']} is not evaluated locally"
    threshold = float(alarm["Threshold"])
    values = _period_values(alarm, datapoints, now)
    missing = alarm.get("TreatMissingData", "missing")
    breaching = 0
    known = 0
    for value in values:
        if value is None:
            if missing in ("breaching", "notBreaching"):
                known += 1
                breaching += missing == "breaching"
            continue
        known += 1
        breaching += compare(value, threshold)
    needed = int(alarm.get("DatapointsToAlarm") or alarm["EvaluationPeriods"])
    recent = [v for v in values if v is not None]
    shown = f"{recent[-1]:g}" if recent else "no data"
    if breaching >= needed:
        return (
            "ALARM",
            f"Threshold Crossed: {breaching} of {len(values)} period(s) breaching ({shown} vs {threshold:g})",
        )
    if known == 0:
        return "INSUFFICIENT_DATA", "no datapoints in the evaluation periods"
    return "OK", f"{breaching} of {len(values)} period(s) breaching ({shown} vs {threshold:g})"


class AlarmEvaluator(BackgroundLoop):
    def __init__(self, clients: Callable[[str], Any], interval_s: float = 10.0) -> None:
        super().__init__("alarm-evaluator", interval_s)
        self._clients = clients

    def run_pass(self) -> None:
        self.evaluate_once()

    def evaluate_once(self, now: datetime | None = None) -> dict[str, str]:
        """Evaluate every metric alarm; returns each alarm's state after this pass."""
        now = now or datetime.now(UTC)
        cloudwatch = self._clients("cloudwatch")
        states = {}
        for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
            for alarm in page["MetricAlarms"]:
                states[alarm["AlarmName"]] = self._evaluate_alarm(alarm, now)
        return states

    def _evaluate_alarm(self, alarm: dict[str, Any], now: datetime) -> str:
        if "MetricName" not in alarm:  # metric-math alarms are not evaluated locally
            return str(alarm["StateValue"])
        span = timedelta(seconds=int(alarm["Period"]) * int(alarm["EvaluationPeriods"]))
        datapoints = self._clients("cloudwatch").get_metric_statistics(
            Namespace=alarm["Namespace"],
            MetricName=alarm["MetricName"],
            Dimensions=alarm.get("Dimensions", []),
            StartTime=now - span,
            # moto drops the microseconds of EndTime and excludes it: a point put this second counts.
            EndTime=now + timedelta(seconds=1),
            Period=int(alarm["Period"]),
            Statistics=[alarm.get("Statistic", "Average")],
        )["Datapoints"]
        state, reason = evaluate(alarm, sorted(datapoints, key=lambda p: p["Timestamp"]), now)
        if state != alarm["StateValue"]:
            self._transition(alarm, state, reason, now)
        return state

    def _transition(self, alarm: dict[str, Any], state: str, reason: str, now: datetime) -> None:
        self._clients("cloudwatch").set_alarm_state(AlarmName=alarm["AlarmName"], StateValue=state, StateReason=reason)
        log.warning("alarm %s: %s -> %s (%s)", alarm["AlarmName"], alarm["StateValue"], state, reason)
        actions = {"ALARM": "AlarmActions", "OK": "OKActions", "INSUFFICIENT_DATA": "InsufficientDataActions"}[state]
        message = {
            "AlarmName": alarm["AlarmName"],
            "AlarmDescription": alarm.get("AlarmDescription"),
            "NewStateValue": state,
            "OldStateValue": alarm["StateValue"],
            "NewStateReason": reason,
            "StateChangeTime": now.isoformat(),
            "Trigger": {
                "MetricName": alarm["MetricName"],
                "Namespace": alarm["Namespace"],
                "Threshold": alarm["Threshold"],
            },
        }
        for arn in alarm.get(actions, []) if alarm.get("ActionsEnabled", True) else []:
            if arn.split(":")[2] == "sns":
                subject = f'{state}: "{alarm["AlarmName"]}"'[:100]
                self._clients("sns").publish(TopicArn=arn, Subject=subject, Message=json.dumps(message))
