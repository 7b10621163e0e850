"""``fks status``: the health of each part, the alarms and the latest metric values, in the terminal."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from fks_cli.commands_local import require_state
from fks_local.aws_session import client_factory

_MARK = {"healthy": "ok ", "degraded": "!! ", "down": "XX ", "OK": "ok ", "ALARM": "!! ", "INSUFFICIENT_DATA": "?? "}


def _health(api_url: str) -> dict[str, Any]:
    response = requests.get(f"{api_url}/health", timeout=30)
    body: dict[str, Any] = response.json()
    return body


def _latest_metrics(cloudwatch: Any, now: datetime) -> list[tuple[str, str, float]]:
    rows = []
    for page in cloudwatch.get_paginator("list_metrics").paginate(Namespace="FKS"):
        for metric in page["Metrics"]:
            points = cloudwatch.get_metric_statistics(
                Namespace="FKS",
                MetricName=metric["MetricName"],
                Dimensions=metric.get("Dimensions", []),
                StartTime=now - timedelta(hours=1),
                EndTime=now + timedelta(seconds=1),
                Period=3600,
                Statistics=["Maximum"],
            )["Datapoints"]
            if points:
                latest = max(points, key=lambda p: p["Timestamp"])
                labels = ",".join(
                    f"{d['Name']}={d['Value']}" for d in metric.get("Dimensions", []) if d["Name"] != "Stage"
                )
                rows.append((metric["MetricName"], labels, float(latest["Maximum"])))
    return sorted(rows)


def status(args: argparse.Namespace) -> int:
    state = require_state()
    clients = client_factory(state["endpoint_url"])
    health = _health(state["api_urls"]["FksApi"])
    print(f"stack {state['stack_name']}: {health['status']}\n")
    for name, url in state.get("websocket_urls", {}).items():
        print(f"  live feed  {url}  ({name}; connect with ?token=<API key or JWT>)\n")
    width = max(len(p["part"]) for p in health["parts"])
    for part in health["parts"]:
        print(
            f"  {_MARK.get(part['status'], '   ')}{part['part']:<{width}}  {part['status']:<9} {part.get('reason', '')}"
        )
    alarms = clients("cloudwatch").describe_alarms()["MetricAlarms"]
    if alarms:
        print("\nalarms")
        for alarm in sorted(alarms, key=lambda a: a["AlarmName"]):
            print(f"  {_MARK.get(alarm['StateValue'], '   ')}{alarm['AlarmName']:<40} {alarm['StateValue']}")
    metrics = _latest_metrics(clients("cloudwatch"), datetime.now(UTC))
    print("\nlatest metric values (FKS namespace, last hour, maximum)")
    if not metrics:
        print("  none yet: the monitor publishes on its schedule ('fks local tick' runs it now)")
    for name, labels, value in metrics:
        print(f"  {name:<22} {labels:<60} {value:g}")
    return 0 if health["status"] == "healthy" else 1
