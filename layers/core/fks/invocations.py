"""What the functions that are not API routes or signal-pipeline states are invoked with, parsed
once at the handler's edge: schedule runs (EventBridge's envelope, or the options an operator or
another function sends), the optimisation state machine's tasks, the
live feed's WebSocket events and the record-change streams (the optimisation state machine's
tasks: ``fks.backtest.tasks``). ``events/`` holds a sample of each,
generated from these models (``fks events --write``).

A missing or mistyped field is a BadRequest naming it. Our own payloads refuse fields they do not
know, so a misspelt option (``{"rebaselin": true}``) fails instead of being ignored; envelopes AWS
builds (WebSocket, stream records) keep only the fields read here, since AWS adds fields over time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fks.decimals import StrictDecimal
from fks.errors import BadRequest

M = TypeVar("M", bound=BaseModel)


def parse_event(model: type[M], event: object, what: str) -> M:
    """``event`` as ``model``, or a BadRequest naming every field that is wrong."""
    try:
        return model.model_validate(event)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()]
        raise BadRequest(f"invalid {what} input: " + "; ".join(problems), details={"errors": problems}) from exc


class _Payload(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class _Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=True)


# ---- schedule runs --------------------------------------------------------------------------


class ScheduledRun(_Payload):
    """A run of a scheduled function. EventBridge sends its Scheduled Event envelope (these
    fields, accepted and never acted on: its ``account`` is the AWS account id, not a trading
    account); an operator, a test or another function sends ``{}`` or the options a subclass
    names. The envelope's fields are optional so both parse with one model."""

    version: str | None = None
    id: str | None = None
    detail_type: Literal["Scheduled Event"] | None = Field(default=None, alias="detail-type")
    source: str | None = None
    account: str | None = Field(default=None, description="EventBridge: the AWS account id")
    time: str | None = None
    region: str | None = None
    resources: list[str] = Field(default_factory=list)
    detail: dict[str, Any] = Field(default_factory=dict)


class SnapshotRun(ScheduledRun):
    """SnapshotPortfolioFunction: whose equity to snapshot."""

    trading_account: str = Field(default="default", min_length=1, description="'default': the configured account")
    exchange: str = Field(default="binance", min_length=1)


class SignalGenerationRun(ScheduledRun):
    """GenerateSignalsFunction: collection sends the time its candles were stored."""

    now_ms: int | None = Field(default=None, gt=0, description="judge the bars closed by then; absent: now")


DEFAULT_RECONCILE_TOLERANCE = Decimal("0.005")


class ReconcileRun(ScheduledRun):
    """ReconcileFunction: ``rebaseline`` adopts the venue's holdings after a reviewed mismatch, for
    ``rebaseline_account`` (the deployment's own by default, or any account of the accounts table;
    not ``account``, which a schedule's envelope carries as the AWS account)."""

    rebaseline: bool = False
    rebaseline_account: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$",
        description="the account a rebaseline adopts the venue's holdings for; default: the deployment's",
    )
    tolerance: StrictDecimal = Field(default=DEFAULT_RECONCILE_TOLERANCE, ge=0, lt=1)

    @model_validator(mode="after")
    def _account_is_rebaselined(self) -> ReconcileRun:
        if self.rebaseline_account is not None and not self.rebaseline:
            raise ValueError("rebaseline_account names the account to rebaseline: send rebaseline true with it")
        return self


class ScheduledTraining(_Payload):
    """ModelsFunction's daily schedule: the rule's constant Input (template.yaml)."""

    schedule: Literal["train_enabled_assets"]


# ---- the live feed's WebSocket events ---------------------------------------------------------


class WebSocketCaller(_Envelope):
    """What the REQUEST authorizer put in the context of a ``$connect``."""

    principal_id: str = Field(default="", alias="principalId")
    kind: str = ""


class WebSocketContext(_Envelope):
    route_key: str = Field(alias="routeKey", min_length=1)
    connection_id: str = Field(alias="connectionId", min_length=1)
    authorizer: WebSocketCaller | None = None


class WebSocketEvent(_Envelope):
    """A ``$connect``, ``$disconnect`` or message event of the WebSocket API."""

    request_context: WebSocketContext = Field(alias="requestContext")
    body: str | None = None


# ---- record-change streams ----------------------------------------------------------------------


class StreamChange(_Envelope):
    old_image: dict[str, Any] | None = Field(default=None, alias="OldImage")
    new_image: dict[str, Any] | None = Field(default=None, alias="NewImage")


class StreamRecord(_Envelope):
    """One DynamoDB stream record: which table (its stream's ARN), what happened, the images."""

    event_name: Literal["INSERT", "MODIFY", "REMOVE"] = Field(alias="eventName")
    event_source_arn: str = Field(alias="eventSourceARN", min_length=1)
    dynamodb: StreamChange


class StreamBatch(_Envelope):
    records: list[StreamRecord] = Field(alias="Records")
