"""Publish each part's health as CloudWatch metrics, which the dashboard shows and alarms watch.

PutMetricData rather than EMF log lines: alarms must see a part go red in the same monitor run,
not after log extraction, and it is the same call against AWS and the local emulator.

Each series is a custom metric billed per hour it receives data, so the monitor sends what the
alarms and the dashboard read and no more: the count of unhealthy parts (always: its alarm takes
missing data as breaching, so a monitor that stopped alarms too), that count per kind of part
when above zero, and the own figure (DLQ depth, failed executions) of the parts an alarm watches
(``ALARMED_FIGURE_KINDS``) when above zero. Which part is red and why is GET /health's answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fks_adapters.aws.health import DOWN, HEALTHY, PartHealth, guard
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient

NAMESPACE = "FKS"
PART_FIGURE_METRIC = "PartFigure"  # the part's own figure (DLQ depth, failed executions), per Part
HEARTBEAT_METRIC = "BridgeHeartbeat"  # published by the NinjaTrader bridge (fks_ninja.heartbeat)
UNHEALTHY_PARTS_METRIC = "UnhealthyParts"  # how many parts are not healthy, for the whole stack
UNHEALTHY_BY_KIND_METRIC = "UnhealthyPartsByKind"  # the same per kind (data, dlq, function...), for alarms
_BATCH = 1000  # PutMetricData's limit on data points per call
# Kinds of part whose own figure an alarm watches (template.yaml: the DLQ and pipeline alarms).
ALARMED_FIGURE_KINDS = frozenset({"dlq", "state_machine"})


def health_datapoints(parts: list[PartHealth], stage: str) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    for part in parts:
        if part.metric and part.kind in ALARMED_FIGURE_KINDS:
            points.append(
                {
                    "MetricName": PART_FIGURE_METRIC,
                    "Dimensions": [{"Name": "Stage", "Value": stage}, {"Name": "Part", "Value": part.part}],
                    "Value": float(part.metric),
                    "Unit": "Count",
                }
            )
    for kind in sorted({p.kind for p in parts}):
        count = sum(1 for p in parts if p.status != HEALTHY and p.kind == kind)
        if not count:
            continue
        points.append(
            {
                "MetricName": UNHEALTHY_BY_KIND_METRIC,
                "Dimensions": [{"Name": "Stage", "Value": stage}, {"Name": "Kind", "Value": kind}],
                "Value": float(count),
                "Unit": "Count",
            }
        )
    unhealthy = sum(1 for p in parts if p.status != HEALTHY)
    points.append(
        {
            "MetricName": UNHEALTHY_PARTS_METRIC,
            "Dimensions": [{"Name": "Stage", "Value": stage}],
            "Value": float(unhealthy),
            "Unit": "Count",
        }
    )
    return points


def publish_health(parts: list[PartHealth], stage: str, cloudwatch: CloudWatchClient | None = None) -> int:
    client = cloudwatch or aws_client("cloudwatch")
    points = health_datapoints(parts, stage)
    for start in range(0, len(points), _BATCH):
        client.put_metric_data(Namespace=NAMESPACE, MetricData=points[start : start + _BATCH])
    return len(points)


def check_heartbeat(
    stage: str, bridge: str, max_age_s: int, cloudwatch: CloudWatchClient | None = None, now: datetime | None = None
) -> PartHealth:
    """Down when the bridge published no heartbeat within ``max_age_s`` (it beats every minute)."""
    client = cloudwatch or aws_client("cloudwatch")
    part = f"bridge:{bridge}"
    end = (now or datetime.now(UTC)) + timedelta(seconds=1)

    def check() -> PartHealth:
        points = client.get_metric_statistics(
            Namespace=NAMESPACE,
            MetricName=HEARTBEAT_METRIC,
            Dimensions=[{"Name": "Stage", "Value": stage}, {"Name": "Bridge", "Value": bridge}],
            StartTime=end - timedelta(seconds=max_age_s),
            EndTime=end,
            Period=max(60, max_age_s),
            Statistics=["SampleCount"],
        )["Datapoints"]
        if not points:
            return PartHealth(part, DOWN, f"no heartbeat from the NinjaTrader bridge in the last {max_age_s} s")
        return PartHealth(part, HEALTHY)

    return guard(part, check)
