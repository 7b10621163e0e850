"""Health checks of the compute parts: functions invocable, pipeline executions not failing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fks_adapters.aws.health import DEGRADED, DOWN, HEALTHY, PartHealth, guard
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_stepfunctions import SFNClient

FAILURE_WINDOW = timedelta(hours=1)


def stack_functions(prefix: str, lambda_client: LambdaClient | None = None) -> list[str]:
    """The stack's functions: CloudFormation names them '<stack>-<LogicalId>...'."""
    client = lambda_client or aws_client("lambda")
    names: list[str] = []
    for page in client.get_paginator("list_functions").paginate():
        names.extend(f["FunctionName"] for f in page["Functions"] if f["FunctionName"].startswith(prefix))
    return sorted(names)


def check_function(name: str, lambda_client: LambdaClient | None = None) -> PartHealth:
    """The function exists, is Active and its last update did not fail: what an invoke needs.

    Read from its configuration only, so the monitor's role holds no lambda:InvokeFunction (it
    would let the monitor run every function, the one placing orders included)."""
    client = lambda_client or aws_client("lambda")
    part = f"function:{name}"

    def check() -> PartHealth:
        config = client.get_function_configuration(FunctionName=name)
        state = config.get("State", "Active")
        if state != "Active":
            return PartHealth(part, DOWN, f"function state is {state}: {config.get('StateReason', '')}".rstrip(": "))
        if config.get("LastUpdateStatus") == "Failed":
            return PartHealth(
                part, DOWN, f"last update failed: {config.get('LastUpdateStatusReason', '')}".rstrip(": ")
            )
        return PartHealth(part, HEALTHY)

    return guard(part, check)


def check_state_machine(arn: str, sfn: SFNClient | None = None, now: datetime | None = None) -> PartHealth:
    """Degraded while any execution failed, timed out or aborted within the last hour."""
    client = sfn or aws_client("stepfunctions")
    part = f"state_machine:{arn.rsplit(':', 1)[-1]}"
    since = (now or datetime.now(UTC)) - FAILURE_WINDOW

    def check() -> PartHealth:
        failed = 0
        for status in ("FAILED", "TIMED_OUT", "ABORTED"):
            executions = client.list_executions(stateMachineArn=arn, statusFilter=status, maxResults=100)["executions"]
            failed += sum(1 for e in executions if (e.get("stopDate") or e["startDate"]) >= since)
        if failed:
            return PartHealth(part, DEGRADED, f"{failed} execution(s) failed in the last hour", metric=failed)
        return PartHealth(part, HEALTHY, metric=0)

    return guard(part, check)
