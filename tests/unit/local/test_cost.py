"""fks cost: a month of the stack priced from the template for a reference load."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from fks_cli import commands_cost, cost
from fks_cli.cost_stack import read_stack, runs_per_month
from fks_local.template import load

ROOT = Path(__file__).resolve().parents[3]


def test_schedules_become_runs_a_month() -> None:
    assert runs_per_month("rate(1 minute)") == 43_800
    assert runs_per_month("rate(5 minutes)") == 8_760
    assert runs_per_month("rate(2 hours)") == 365
    assert runs_per_month("cron(15 0 * * ? *)") == pytest.approx(30.42, abs=0.01)
    assert runs_per_month("cron(0,30 */6 * * ? *)") == pytest.approx(8 * 30.42, abs=0.1)
    with pytest.raises(ValueError, match="only daily"):
        runs_per_month("cron(0 0 ? * MON *)")


MINI = {
    "Parameters": {"WithSecret": {"Default": "false"}, "NinjaBridgeNames": {"Default": "a,b"}},
    "Conditions": {"SecretOn": {"Fn::Equals": [{"Ref": "WithSecret"}, "true"]}},
    "Globals": {"Function": {"MemorySize": 512, "Tracing": "Active"}},
    "Resources": {
        "Tick": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "MemorySize": 1024,
                "Events": {"E": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}},
            },
        },
        "Step": {"Type": "AWS::Serverless::Function", "Properties": {}},
        "MonitorFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Environment": {
                    "Variables": {"FKS_TABLE_NAMES": {"Fn::Join": [",", ["t1", "t2"]]}, "FKS_DLQ_URLS": "q"}
                }
            },
        },
        "Machine": {
            "Type": "AWS::Serverless::StateMachine",
            "Properties": {
                "DefinitionUri": "machine.json",
                "DefinitionSubstitutions": {"StepArn": {"Fn::GetAtt": ["Step", "Arn"]}},
            },
        },
        "Secret": {"Type": "AWS::SecretsManager::Secret", "Condition": "SecretOn"},
        "Plain": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "X"}},
        "Math": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "Metrics": [
                    {"Id": "a", "MetricStat": {}},
                    {"Id": "b", "MetricStat": {}},
                    {"Id": "c", "Expression": "a+b"},
                ]
            },
        },
        "FksApi": {
            "Type": "AWS::Serverless::Api",
            "Properties": {"Auth": {"Authorizers": {"A": {"Identity": {"ReauthorizeEvery": 300}}}}},
        },
    },
}
MACHINE = {
    "StartAt": "Go",
    "States": {
        "Go": {"Type": "Task", "Resource": "${StepArn}", "Next": "Which"},
        "Which": {"Type": "Choice", "Choices": [{"Next": "Odd"}], "Default": "Done"},
        "Odd": {"Type": "Fail"},
        "Done": {"Type": "Succeed"},
    },
}


def test_the_stack_shape_comes_from_the_template(tmp_path: Path) -> None:
    (tmp_path / "machine.json").write_text(json.dumps(MACHINE))
    MINI["Resources"]["Machine"]["Properties"]["DefinitionUri"] = "machine.json"  # type: ignore[index]
    MINI["Resources"]["SignalToExecutionStateMachine"] = MINI["Resources"]["Machine"]  # type: ignore[index]
    stack = read_stack(MINI, tmp_path)
    assert stack.functions["Tick"].runs_per_month == 43_800
    assert stack.functions["Tick"].memory_gb == 1.0
    assert stack.functions["Step"].memory_gb == 0.5
    assert (stack.pipeline.transitions, stack.pipeline.task_functions) == (3, ("Step",))
    assert stack.alarm_metrics == 3  # a metric-math alarm counts the metrics it reads
    assert stack.secrets == 0  # under a condition the defaults turn off
    assert stack.tracing
    assert stack.authorizer_ttl_s == 300
    assert stack.monitored == {"bucket": 1, "table": 2, "dlq": 1, "state_machine": 0, "bridge": 2, "function": 2}


@pytest.fixture(scope="module")
def stack() -> cost.StackShape:
    return read_stack(load(ROOT / "template.yaml"), ROOT)


def month(stack: cost.StackShape, **kwargs: bool) -> tuple[float, float]:
    lines = cost.lines(stack, cost.Load(), **kwargs)
    free = cost.free_tier_lines(lines, stack, cost.Load())
    listed = sum(line.usd for line in lines)
    return listed, listed + sum(line.usd for line in free)


def test_the_reference_month_is_under_ten_dollars_after_the_free_tiers(stack: cost.StackShape) -> None:
    listed, after_free = month(stack)
    assert after_free < 10
    assert 0 < after_free < listed


def test_cutting_custom_metrics_is_most_of_the_difference(stack: cost.StackShape) -> None:
    now = cost.metric_hours(stack, cost.Load())
    before = cost.metric_hours(stack, cost.Load(), legacy_metrics=True)
    assert sum(n for _, n, _ in before) > 10 * sum(n for _, n, _ in now)
    assert month(stack, legacy_metrics=True)[1] - month(stack)[1] > 40


def test_every_service_line_shows_its_arithmetic(stack: cost.StackShape) -> None:
    lines = cost.lines(stack, cost.Load())
    services = {line.service for line in lines}
    assert {
        "Lambda",
        "API Gateway",
        "Step Functions",
        "DynamoDB",
        "S3",
        "CloudWatch",
        "Secrets Manager",
        "SQS",
    } <= services
    assert all(line.arithmetic and line.usd >= 0 for line in lines)
    collect = next(line for line in lines if line.item.startswith("CollectOhlcvFunction"))
    assert collect.arithmetic.startswith("43,800 x 2.8 s x 1 GB")


def test_the_command_prints_the_total_and_more_load_costs_more() -> None:
    parser = argparse.ArgumentParser()
    commands_cost.add_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    assert commands_cost.run(parser.parse_args(["cost"]), out) == 0
    small = float(out.getvalue().rsplit("list prices, $", 1)[1].split()[0])
    out = io.StringIO()
    assert commands_cost.run(parser.parse_args(["cost", "--assets", "50"]), out) == 0
    large = float(out.getvalue().rsplit("list prices, $", 1)[1].split()[0])
    assert large > small


def test_the_recommended_region_is_priced_under_ten_dollars_and_names_the_prices_it_borrows() -> None:
    parser = argparse.ArgumentParser()
    commands_cost.add_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()

    assert commands_cost.run(parser.parse_args(["cost", "--region", "ap-northeast-1"]), out) == 0

    printed = out.getvalue()
    assert float(printed.rsplit("after the always-free tiers", 1)[0].rsplit("$", 1)[1].split()[0].strip(",")) < 10
    assert "at ap-northeast-1 list prices" in printed
    assert "x $0.0047/1000" in printed  # Tokyo's S3 PUT, not us-east-1's $0.005
    assert "not found for ap-northeast-1 and counted at us-east-1's: api_rest_request" in printed
