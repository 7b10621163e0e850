"""A signal's execution as people read it: each state it went through, when, and how it ended."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


def execution_arn_for(signal_id: str, state_machine_arn: str) -> str:
    """The execution a signal's run is, named by the signal id."""
    return state_machine_arn.replace(":stateMachine:", ":execution:") + f":{signal_id}"


def execution_path(
    signal_id: str, execution_arn: str | None, state_machine_arn: str, client: SFNClient | None = None
) -> dict[str, Any] | None:
    """The execution's status and the states entered, oldest first; None when it never started."""
    sfn: SFNClient = client or aws_client("stepfunctions")
    arn = execution_arn or execution_arn_for(signal_id, state_machine_arn)
    try:
        description = sfn.describe_execution(executionArn=arn)
    except sfn.exceptions.ExecutionDoesNotExist:
        return None
    states: list[dict[str, Any]] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn):
        for event in page["events"]:
            entered = event.get("stateEnteredEventDetails")
            if entered:
                states.append({"state": entered["name"], "entered_at": event["timestamp"].isoformat()})
            failed = event.get("taskFailedEventDetails") or event.get("lambdaFunctionFailedEventDetails")
            if failed and states:
                states[-1].setdefault("errors", []).append(failed.get("error"))
    return {
        "execution_arn": arn,
        "status": description["status"],
        "started_at": description["startDate"].isoformat(),
        "stopped_at": description["stopDate"].isoformat() if description.get("stopDate") else None,
        "states": states,
    }
