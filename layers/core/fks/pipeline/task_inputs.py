"""What the signal pipeline's Step Functions states hand their functions (the ``Parameters`` of
each Task in infra/statemachines/signal_to_execution.asl.json), parsed once at the handler's
edge. A missing or mistyped field is a BadRequest naming it; a field the state machine never
sends is refused, so a renamed ``Parameters`` key cannot be silently ignored."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from fks.execution import ExecutionReport, OrderCommand
from fks.invocations import parse_event
from fks.pipeline.outcomes import SignalStatus
from fks.signals import Signal


class _TaskInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    signal_id: str = Field(min_length=1, description="the execution's name: the signal's id")


class RiskCheckInput(_TaskInput):
    """RiskCheck: the signal ValidateSignal accepted."""

    signal: Signal


class ApprovalRequestInput(_TaskInput):
    """WaitForApproval: the signal parks with the task token until a person decides."""

    task_token: str = Field(min_length=1)
    signal: Signal
    order: OrderCommand | None = None  # None for a futures signal (the bridge places it)
    approval_window_s: int | None = Field(default=None, ge=0)


class UpdatePortfolioInput(_TaskInput):
    """UpdatePortfolio: the validated signal (its strategy owns the fills) and execute_order's report."""

    signal: Signal
    report: ExecutionReport


class CaughtError(BaseModel):
    """What a Catch puts at its ResultPath: the error's name and its cause (a Lambda's error JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    error: str | None = Field(default=None, alias="Error")
    cause: str | None = Field(default=None, alias="Cause")


class PipelineOutcome(BaseModel):
    """How a path through the pipeline ended, as its Pass state spells it: a status and a reason,
    or a status and the error a Catch caught."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: SignalStatus
    reason: str | None = None
    error: CaughtError | None = None


class RecordOutcomeInput(_TaskInput):
    """RecordOutcome: how the path through the pipeline ended ({status, reason?, error?})."""

    execution_arn: str | None = None
    outcome: PipelineOutcome


class NotifyInput(_TaskInput):
    """Notify: the outcome RecordOutcome recorded."""

    status: str | None = None
    reason: str | None = None


M = TypeVar("M", bound=_TaskInput)


def parse_task_input(model: type[M], event: object, state: str) -> M:
    """``event`` as ``model``, or a BadRequest naming every field that is wrong."""
    return parse_event(model, event, state)
