"""Starts a signal's pipeline run: one Step Functions execution, named by the signal id.

Step Functions keeps an execution's name for 90 days: a start with the name of an open execution
and the same input answers that execution, any other start under the name is refused
(``ExecutionAlreadyExists``). So a signal started twice, at once or later, runs once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fks.signals import Signal
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


class SignalPipeline:
    def __init__(self, state_machine_arn: str, client: SFNClient | None = None) -> None:
        self.state_machine_arn = state_machine_arn
        self._client: SFNClient = client or aws_client("stepfunctions")

    def start(self, signal: Signal) -> bool:
        """True when this call started (or re-answered) the run; False when the name was taken."""
        try:
            self._client.start_execution(
                stateMachineArn=self.state_machine_arn, name=signal.signal_id, input=signal.model_dump_json()
            )
        except self._client.exceptions.ExecutionAlreadyExists:
            return False
        return True
