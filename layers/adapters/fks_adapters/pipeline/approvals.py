"""Approve or reject a signal waiting in its pipeline: the Step Functions task token resumes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from fks.errors import Conflict
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

REJECTED_BY_USER = "SignalRejectedByUser"  # the error name the state machine's Catch matches


class ApprovalGate:
    def __init__(self, client: SFNClient | None = None) -> None:
        self.client: SFNClient = client or aws_client("stepfunctions")

    def approve(self, task_token: str, approved_by: str, now_ms: int) -> None:
        output = json.dumps({"decision": "approved", "by": approved_by, "at_ms": now_ms})
        self._resume(lambda: self.client.send_task_success(taskToken=task_token, output=output))

    def reject(self, task_token: str, reason: str) -> None:
        cause = reason
        self._resume(lambda: self.client.send_task_failure(taskToken=task_token, error=REJECTED_BY_USER, cause=cause))

    def _resume(self, call: Callable[[], object]) -> None:
        errors = self.client.exceptions
        try:
            call()
        except (errors.TaskTimedOut, errors.TaskDoesNotExist, errors.InvalidToken) as error:
            # The window closed (or the execution ended) between reading the status and resuming.
            raise Conflict(f"the signal no longer waits for a decision: {error}") from None
