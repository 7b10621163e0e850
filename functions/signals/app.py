"""``/signals``: where each signal stands in the pipeline, and the approval of manual ones.

``GET /signals/{id}`` adds the execution's path (each state entered, with its time) from Step
Functions, which is the audit trail of the signal. Approving or rejecting hands the stored task
token back to the waiting execution; a signal that no longer waits is a 409.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from fks import env
from fks.errors import NotFound
from fks.function_settings import ApiSettings, variable
from fks.observability import API, observed
from fks.pipeline.signal_queries import SignalsQuery
from fks_adapters.api import make_resolver
from fks_adapters.pipeline.approvals import ApprovalGate
from fks_adapters.pipeline.execution_path import execution_path
from fks_adapters.pipeline.signal_history import SignalFilters, SignalHistory
from fks_app.approvals import approve_signal, reject_signal

logger = Logger()


class Settings(ApiSettings):
    signals_table: str = variable(env.SIGNALS_TABLE)
    signal_state_machine_arn: str = variable(env.SIGNAL_STATE_MACHINE_ARN)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


@cache
def _gate() -> ApprovalGate:
    return ApprovalGate()


SignalId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,80}$", description="The signal's id (its execution's name)")]


class Approval(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    note: str | None = Field(default=None, max_length=500)


class Rejection(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(default="rejected by a reviewer", min_length=1, max_length=500)


def _filters(query: SignalsQuery) -> SignalFilters:
    return SignalFilters(
        asset_class=None if query.asset_class is None else query.asset_class.value,
        symbol=query.symbol,
        account=query.account,
        since_ms=query.since,
    )


def _caller() -> str:
    authorizer = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    return str(authorizer.get("subject") or authorizer.get("principalId") or "unknown")


@app.get("/signals")
def list_signals(query: Annotated[SignalsQuery, Query()]) -> dict[str, Any]:
    signals, token = _history().list(
        status=query.status, day=query.day, limit=query.limit, next_token=query.next_token, filters=_filters(query)
    )
    return {"signals": signals, "next_token": token}


@app.get("/signals/<signal_id>")
def get_signal(signal_id: SignalId) -> dict[str, Any]:
    record = _history().get(signal_id)
    if record is None:
        raise NotFound(f"no signal {signal_id}", details={"signal_id": signal_id})
    return {
        "signal": record,
        "execution": execution_path(signal_id, record.get("execution_arn"), SETTINGS.signal_state_machine_arn),
    }


@app.post("/signals/<signal_id>/approve")
def approve(signal_id: SignalId, approval: Annotated[Approval | None, Body()] = None) -> dict[str, Any]:
    answer = approve_signal(_history(), _gate(), signal_id, _caller(), approval.note if approval else None)
    logger.info("signal approved", extra={"signal_id": signal_id, "by": answer["by"]})
    return answer


@app.post("/signals/<signal_id>/reject")
def reject(signal_id: SignalId, rejection: Annotated[Rejection | None, Body()] = None) -> dict[str, Any]:
    answer = reject_signal(_history(), _gate(), signal_id, _caller(), (rejection or Rejection()).reason)
    logger.info("signal rejected", extra={"signal_id": signal_id, "by": answer["by"], "reason": answer["reason"]})
    return answer


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
