"""The custom metrics FKS publishes are the ones its alarms and dashboard read, and no more.

Each series is billed per hour it receives data, so fks.observability sends only the figures in
PUBLISHED_METRICS, skips zero counts and keeps extra dimensions (the asset) out; the rest goes
into the same log line as metadata.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aws_lambda_powertools.metrics import MetricUnit
from samtranslator.yaml_helper import yaml_parse

from fks.observability import PUBLISHED_METRICS, metrics
from fks_adapters.aws.health import DOWN, HEALTHY, PartHealth
from fks_adapters.aws.health_metrics import (
    PART_FIGURE_METRIC,
    UNHEALTHY_BY_KIND_METRIC,
    UNHEALTHY_PARTS_METRIC,
    health_datapoints,
)

ROOT = Path(__file__).resolve().parents[3]
# Published elsewhere than through fks.observability: the monitor's PutMetricData and the Rust
# execute_order function's own EMF line (rust_lambda/crates/execute_order/src/emf.rs).
MONITOR = {PART_FIGURE_METRIC, UNHEALTHY_BY_KIND_METRIC, UNHEALTHY_PARTS_METRIC}
RUST_EXECUTE_ORDER = {"Orders", "Fills", "ExecutionLatencyMs"}


def names_alarms_read() -> set[str]:
    resources = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]
    names = set()
    for resource in resources.values():
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        props = resource["Properties"]
        if props.get("Namespace") == "FKS":
            names.add(props["MetricName"])
        for query in props.get("Metrics") or []:
            metric = (query.get("MetricStat") or {}).get("Metric") or {}
            if metric.get("Namespace") == "FKS":
                names.add(metric["MetricName"])
    return names


def names_dashboard_reads() -> set[str]:
    body = (ROOT / "infra" / "dashboards" / "operations.yaml").read_text()
    searched = re.findall(r"\{FKS[^}]*\}[^']*", body)
    names = {name for search in searched for name in re.findall(r'MetricName=\\"(\w+)\\"', search)}
    return names | set(re.findall(r'\["FKS", "(\w+)"', body))


def test_published_metrics_are_exactly_what_alarms_and_the_dashboard_read() -> None:
    read = names_alarms_read() | names_dashboard_reads()
    assert read - MONITOR - RUST_EXECUTE_ORDER == PUBLISHED_METRICS


@pytest.fixture(autouse=True)
def fks_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    # template.yaml's Globals set POWERTOOLS_METRICS_NAMESPACE; the test process may not have it.
    monkeypatch.setattr(metrics.provider, "namespace", "FKS")
    metrics.clear_metrics()


def emitted(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert len(lines) == 1, lines
    return dict(json.loads(lines[0]))


def test_only_published_nonzero_counts_become_metrics_and_the_rest_is_metadata(
    capsys: pytest.CaptureFixture[str],
) -> None:
    metrics.set_default_dimensions(function="collect")
    metrics.add_dimension(name="asset", value="binance:BTC/USDT")
    metrics.add_metric(name="CandlesCollected", unit=MetricUnit.Count, value=3)
    metrics.add_metric(name="CandlesRejected", unit=MetricUnit.Count, value=0)
    metrics.add_metric(name="LiveFeedFramesSent", unit=MetricUnit.Count, value=7)
    metrics.flush_metrics()
    line = emitted(capsys)
    declared = line["_aws"]["CloudWatchMetrics"][0]  # type: ignore[index]
    assert [m["Name"] for m in declared["Metrics"]] == ["CandlesCollected"]
    assert "function" in declared["Dimensions"][0]
    assert "asset" not in declared["Dimensions"][0]
    assert line["CandlesCollected"] in (3.0, [3.0])
    assert line["LiveFeedFramesSent"] == 7
    assert line["asset"] == "binance:BTC/USDT"
    assert "CandlesRejected" not in line


def test_a_gauge_at_zero_is_still_published(capsys: pytest.CaptureFixture[str]) -> None:
    metrics.add_metric(name="PortfolioEquity", unit=MetricUnit.Count, value=0)
    metrics.flush_metrics()
    declared = emitted(capsys)["_aws"]["CloudWatchMetrics"][0]  # type: ignore[index]
    assert [m["Name"] for m in declared["Metrics"]] == ["PortfolioEquity"]


def test_figures_without_a_published_metric_are_one_plain_log_line(capsys: pytest.CaptureFixture[str]) -> None:
    metrics.set_default_dimensions(function="sync")
    metrics.add_metric(name="SyncBookingFailures", unit=MetricUnit.Count, value=2)
    metrics.add_metric(name="ForeignFills", unit=MetricUnit.Count, value=0)
    metrics.flush_metrics()
    line = emitted(capsys)
    assert "_aws" not in line
    assert line["figures"] == {"SyncBookingFailures": 2}
    assert line["function"] == "sync"


def test_the_monitor_sends_the_unhealthy_count_always_and_the_rest_only_when_above_zero() -> None:
    healthy = [PartHealth("dlq:signals", HEALTHY, metric=0), PartHealth("function:a", HEALTHY, metric=0)]
    assert health_datapoints(healthy, "dev") == [
        {
            "MetricName": UNHEALTHY_PARTS_METRIC,
            "Dimensions": [{"Name": "Stage", "Value": "dev"}],
            "Value": 0.0,
            "Unit": "Count",
        }
    ]
    sick = [PartHealth("dlq:signals", DOWN, "3 messages", metric=3), PartHealth("function:a", DOWN, "errors", metric=5)]
    points = {
        (p["MetricName"], tuple(d["Value"] for d in p["Dimensions"])): p["Value"]
        for p in health_datapoints(sick, "dev")
    }
    assert points == {
        (PART_FIGURE_METRIC, ("dev", "dlq:signals")): 3.0,
        (UNHEALTHY_BY_KIND_METRIC, ("dev", "dlq")): 1.0,
        (UNHEALTHY_BY_KIND_METRIC, ("dev", "function")): 1.0,
        (UNHEALTHY_PARTS_METRIC, ("dev",)): 2.0,
    }
