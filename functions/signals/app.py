"""``/signals``: where each signal stands in the pipeline, and the approval of manual ones.

``GET /signals/{id}`` adds the execution's path (each state entered, with its time) from Step
Functions, which is the audit trail of the signal. Approving or rejecting hands the stored task
token back to the waiting execution; a signal that no longer waits is a 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from fks.errors import NotFound
from fks.observability import API, observed
from fks.pipeline.outcomes import SignalStatus
from fks.signals import SYMBOL_PATTERN, AssetClass
from fks_adapters.api import make_resolver
from fks_adapters.pipeline import wiring
from fks_adapters.pipeline.approvals import ApprovalGate
from fks_adapters.pipeline.execution_path import execution_path
from fks_adapters.pipeline.signal_history import SignalFilters
from fks_app.approvals import approve_signal, reject_signal

logger = Logger()
app = make_resolver(logger)

SignalId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,80}$", description="The signal's id (its execution's name)")]


class SignalsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: SignalStatus | None = Field(
        default=None, description="Only signals in this status, newest change first (any day)"
    )
    day: str | None = Field(
        default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="UTC day of creation when no status (default today)"
    )
    asset_class: AssetClass | None = Field(default=None, description="Only spot or only futures signals")
    symbol: str | None = Field(
        default=None, pattern=SYMBOL_PATTERN, description="Only this symbol: 'BTC/USDT' or a contract like 'ES 12-25'"
    )
    account: str | None = Field(
        default=None, min_length=1, max_length=64, description="Only signals for this account (the signal's account)"
    )
    since: int | None = Field(
        default=None,
        ge=0,
        description="Only signals whose status changed at or after this UTC epoch ms (a chart script's start time)",
    )
    limit: int = Field(
        default=50,
        ge=1,
        le=200,
        description="Signals read per page; filters apply after it, so a page can be short: follow next_token",
    )
    next_token: str | None = Field(default=None, max_length=2048)

    def filters(self) -> SignalFilters:
        return SignalFilters(
            asset_class=None if self.asset_class is None else self.asset_class.value,
            symbol=self.symbol,
            account=self.account,
            since_ms=self.since,
        )


class Approval(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    note: str | None = Field(default=None, max_length=500)


class Rejection(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(default="rejected by a reviewer", min_length=1, max_length=500)


def _caller() -> str:
    authorizer = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    return str(authorizer.get("subject") or authorizer.get("principalId") or "unknown")


@app.get("/signals")
def list_signals(query: Annotated[SignalsQuery, Query()]) -> dict[str, Any]:
    signals, token = wiring.signal_history().list(
        status=query.status, day=query.day, limit=query.limit, next_token=query.next_token, filters=query.filters()
    )
    return {"signals": signals, "next_token": token}


@app.get("/signals/<signal_id>")
def get_signal(signal_id: SignalId) -> dict[str, Any]:
    record = wiring.signal_history().get(signal_id)
    if record is None:
        raise NotFound(f"no signal {signal_id}", details={"signal_id": signal_id})
    return {"signal": record, "execution": execution_path(signal_id, record.get("execution_arn"))}


@app.post("/signals/<signal_id>/approve")
def approve(signal_id: SignalId, approval: Annotated[Approval | None, Body()] = None) -> dict[str, Any]:
    answer = approve_signal(
        wiring.signal_history(), ApprovalGate(), signal_id, _caller(), approval.note if approval else None
    )
    logger.info("signal approved", extra={"signal_id": signal_id, "by": answer["by"]})
    return answer


@app.post("/signals/<signal_id>/reject")
def reject(signal_id: SignalId, rejection: Annotated[Rejection | None, Body()] = None) -> dict[str, Any]:
    answer = reject_signal(
        wiring.signal_history(), ApprovalGate(), signal_id, _caller(), (rejection or Rejection()).reason
    )
    logger.info("signal rejected", extra={"signal_id": signal_id, "by": answer["by"], "reason": answer["reason"]})
    return answer


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
