"""What each signal-pipeline state answers (the ``ResultPath`` it lands at in
infra/statemachines/signal_to_execution.asl.json, read by the Choice states and the next states'
``Parameters``). The inputs are :mod:`fks.pipeline.task_inputs`; ExecuteOrder's answer is the
engine's :class:`fks.execution.ExecutionReport`. Decimals travel as strings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fks.execution import OrderStatus
from fks.pipeline.outcomes import SignalStatus
from fks.signals import Signal


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def state_result(self) -> dict[str, Any]:
        """The JSON the state hands Step Functions."""
        return self.model_dump(mode="json")


class ValidationResult(_Output):
    """ValidateSignal -> ``$.validation``: the signal as checked, and how long a person may take."""

    valid: Literal[True] = True
    signal: Signal
    approval_window_s: int


class RiskResult(_Output):
    """RiskCheck -> ``$.risk``: the route, and for the exchange the order ExecuteOrder places
    (``InputPath: $.risk.order``, as the engine's command JSON) and the price it was checked at."""

    approved: Literal[True] = True
    route: str = Field(pattern="^(exchange|ninjatrader)$")
    account: str
    price: str | None = None
    order: dict[str, Any] | None = None
    checks: list[dict[str, Any]]


class ApprovalRequested(_Output):
    """WaitForApproval's invocation: the token is stored; the state waits for it."""

    waiting: Literal[True] = True


class PortfolioUpdated(_Output):
    """UpdatePortfolio -> ``$.portfolio``: what the signal's record took, and what the portfolio booked."""

    status: SignalStatus  # filled, or placed: resting unfilled
    order_status: OrderStatus
    filled_qty: Decimal
    account: str
    fills_booked: int
    equity: Decimal
    cash: Decimal


class OutcomeRecorded(_Output):
    """RecordOutcome -> ``$.recorded``: what Notify tells, and the execution's final Choice reads."""

    signal_id: str
    status: SignalStatus
    reason: str | None = None


class NotifyResult(_Output):
    """Notify -> ``$.notified``: the channels and what each answered."""

    notified: dict[str, str]
    subject: str
