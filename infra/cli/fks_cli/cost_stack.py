"""What ``fks cost`` reads from template.yaml: the functions (memory, schedules, triggers), the
signal pipeline's path, alarms, dashboards, secrets, what the monitor checks and the API
authorizer's cache. Everything a reference month is multiplied from that the template decides.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fks_cli.cost_prices import DAYS_PER_MONTH, MINUTES_PER_MONTH

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_MINUTES_PER_UNIT = {"minute": 1, "hour": 60, "day": 1440}


def runs_per_month(schedule: str) -> float:
    """Runs a month of an EventBridge schedule: ``rate(...)``, or a ``cron(...)`` firing at given
    minutes and hours (lists, ``*``, ``*/n``) on every day."""
    rate = _RATE.fullmatch(schedule.strip())
    if rate:
        return MINUTES_PER_MONTH / (int(rate.group(1)) * _MINUTES_PER_UNIT[rate.group(2).rstrip("s")])
    if schedule.startswith("cron(") and schedule.endswith(")"):
        minutes, hours, day, _month, weekday, *_ = schedule[5:-1].split()
        if day not in ("*", "?") or weekday not in ("*", "?"):
            raise ValueError(f"{schedule}: only daily cron expressions are modelled")
        return _field_count(minutes, 60) * _field_count(hours, 24) * DAYS_PER_MONTH
    raise ValueError(f"{schedule}: not a rate() or cron() expression")


def _field_count(text: str, span: int) -> int:
    if text == "*":
        return span
    if text.startswith("*/"):
        return span // int(text[2:])
    return len(text.split(","))


@dataclass(frozen=True)
class FunctionShape:
    name: str
    memory_gb: float
    runs_per_month: float  # from its schedules
    triggers: frozenset[str]  # the event source types (Api, SQS, SNS, DynamoDB, Schedule)
    layers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PipelinePath:
    """The signal pipeline's normal path: a market order that fills, no approval asked."""

    transitions: int
    task_functions: tuple[str, ...]


@dataclass(frozen=True)
class StackShape:
    functions: dict[str, FunctionShape]
    pipeline: PipelinePath
    alarm_metrics: int
    dashboards: int
    secrets: int
    tracing: bool
    authorizer_ttl_s: int
    monitored: dict[str, int] = field(default_factory=dict)  # part kind -> parts, from the monitor's settings
    sqs_event_sources: int = 0


def _parameter_default(template: dict[str, Any], name: str) -> Any:
    return (template.get("Parameters") or {}).get(name, {}).get("Default")


def _active(template: dict[str, Any], resource: dict[str, Any]) -> bool:
    """Resources under a condition that the parameters' defaults turn off are not deployed."""
    condition = resource.get("Condition")
    if condition is None:
        return True
    rule = template["Conditions"][condition]
    return bool(_evaluate(template, rule))


def _evaluate(template: dict[str, Any], rule: Any) -> Any:
    if isinstance(rule, dict) and len(rule) == 1:
        ((op, args),) = rule.items()
        if op == "Ref":
            return _parameter_default(template, args)
        if op == "Fn::Equals":
            return str(_evaluate(template, args[0])) == str(_evaluate(template, args[1]))
        if op == "Fn::Not":
            return not _evaluate(template, args[0])
        if op == "Fn::And":
            return all(_evaluate(template, a) for a in args)
        if op == "Fn::Or":
            return any(_evaluate(template, a) for a in args)
        if op == "Condition":
            return _evaluate(template, template["Conditions"][args])
    return rule


def _functions(template: dict[str, Any]) -> dict[str, FunctionShape]:
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    found = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function" or not _active(template, resource):
            continue
        props = resource.get("Properties") or {}
        events = (props.get("Events") or {}).values()
        runs = sum(
            runs_per_month(str(e["Properties"]["Schedule"])) for e in events if e["Type"] in ("Schedule", "ScheduleV2")
        )
        layers = [layer.get("Ref") for layer in props.get("Layers") or [] if isinstance(layer, dict)]
        pandas = any(isinstance(layer, dict) and "Fn::If" in layer for layer in props.get("Layers") or [])
        found[name] = FunctionShape(
            name=name,
            memory_gb=int(props.get("MemorySize") or globals_.get("MemorySize") or 128) / 1024,
            runs_per_month=runs,
            triggers=frozenset(e["Type"] for e in events),
            layers=frozenset([*(str(layer) for layer in layers if layer), *(["AwsSdkPandas"] if pandas else [])]),
        )
    return found


def _pipeline(template: dict[str, Any], root: Path) -> PipelinePath:
    """Walk the signal-to-execution definition from StartAt along each state's Next (a Choice's
    Default): the path of a signal that needs no approval and fills."""
    machine = template["Resources"]["SignalToExecutionStateMachine"]["Properties"]
    definition = json.loads((root / machine["DefinitionUri"]).read_text())
    arns = {
        key: value["Fn::GetAtt"][0]
        for key, value in machine.get("DefinitionSubstitutions", {}).items()
        if isinstance(value, dict) and "Fn::GetAtt" in value
    }
    states, name, transitions, tasks = definition["States"], definition["StartAt"], 0, []
    while name:
        state = states[name]
        transitions += 1
        if state["Type"] == "Task":
            placeholder = re.search(
                r"\$\{(\w+)\}", json.dumps(state.get("Resource", "")) + json.dumps(state.get("Parameters", {}))
            )
            if placeholder and placeholder.group(1) in arns:
                tasks.append(arns[placeholder.group(1)])
        name = state.get("Next") or state.get("Default")
    return PipelinePath(transitions, tuple(tasks))


def _alarm_metrics(resources: dict[str, Any]) -> int:
    count = 0
    for resource in resources.values():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            queries = resource["Properties"].get("Metrics")
            count += sum(1 for q in queries if "MetricStat" in q) if queries else 1
    return count


def _listed(value: Any) -> int:
    """How many items a monitor setting lists (a !Join of refs, one ref, or a parameter)."""
    if isinstance(value, dict) and "Fn::Join" in value:
        return len(value["Fn::Join"][1])
    return 0 if value in ("", None) else 1


def _monitored(template: dict[str, Any], functions: int) -> dict[str, int]:
    env = template["Resources"]["MonitorFunction"]["Properties"]["Environment"]["Variables"]
    bridges = str(_parameter_default(template, "NinjaBridgeNames") or "")
    return {
        "bucket": 1,
        "table": _listed(env.get("FKS_TABLE_NAMES")),
        "dlq": _listed(env.get("FKS_DLQ_URLS")),
        "state_machine": _listed(env.get("FKS_STATE_MACHINE_ARNS")),
        "bridge": len([b for b in bridges.split(",") if b]),
        "function": functions - 1,  # every function of the stack but the monitor itself
    }


def _authorizer_ttl(resources: dict[str, Any]) -> int:
    auth = resources["FksApi"]["Properties"].get("Auth") or {}
    for authorizer in (auth.get("Authorizers") or {}).values():
        ttl = (authorizer.get("Identity") or {}).get("ReauthorizeEvery")
        return 300 if ttl is None else int(ttl)  # API Gateway's default TTL is 300 s
    return 0


def read_stack(template: dict[str, Any], root: Path) -> StackShape:
    resources = template["Resources"]
    functions = _functions(template)
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    return StackShape(
        functions=functions,
        pipeline=_pipeline(template, root),
        alarm_metrics=_alarm_metrics(resources),
        dashboards=sum(1 for r in resources.values() if r["Type"] == "AWS::CloudWatch::Dashboard"),
        secrets=sum(
            1 for r in resources.values() if r["Type"] == "AWS::SecretsManager::Secret" and _active(template, r)
        ),
        tracing=globals_.get("Tracing") == "Active",
        authorizer_ttl_s=_authorizer_ttl(resources),
        monitored=_monitored(template, len(functions)),
        sqs_event_sources=sum(1 for f in functions.values() if "SQS" in f.triggers),
    )
