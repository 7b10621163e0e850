"""``POST /ninja/fills|orders|positions|refusals``: what the NinjaTrader bridge reports back, and
``GET /ninja/orders/{id}`` and ``GET /ninja/positions`` to read the NT8 orders and positions it made.

The bridge (``ninja_bridge/fks_ninja/reporter.py``) posts each fill, order state, NT8 position file
and refusal here with a ``trade`` key. Fills move the NT8 order and its position together; order
states move the order; position files are stored beside the booked position for reconciliation;
refusals are recorded beside the signal's history. Each report with an ``Idempotency-Key`` counts
once: a replay answers 200 ``duplicate``, the same key on a different report is a 409. NT8 orders
and positions live in the NinjaTrader tables, apart from the Rust engine's.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from fks import env
from fks.errors import BadRequest
from fks.execution import ACCOUNT_PATTERN
from fks.function_settings import ApiSettings, variable
from fks.ninja.reports import (
    NINJA_ORDER_ID_PATTERN,
    NinjaFillReport,
    NinjaOrderStateReport,
    NinjaPositionReport,
    NinjaRefusalReport,
)
from fks.observability import API, metrics, observed
from fks.pipeline.outcomes import SignalStatus
from fks_adapters.api import make_resolver
from fks_adapters.ninja import IdempotencyClaim, NinjaReads, NinjaReportStore, Outcome
from fks_adapters.pipeline.signal_history import SignalHistory

logger = Logger()
ACCOUNT_REFUSAL_PREFIX = "account:"  # a breach that flattened an account, not one signal
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="the bridge's key for this report: a replay with the same key counts once",
    ),
]
_ANSWERS: dict[int, OpenAPIResponse] = {
    200: {"description": "Known already: a replay (duplicate), or stale and changing nothing (ignored)"},
    201: {"description": "Recorded"},
}


class Settings(ApiSettings):
    ninja_orders_table: str = variable(env.NINJA_ORDERS_TABLE)
    ninja_positions_table: str = variable(env.NINJA_POSITIONS_TABLE)
    signals_table: str = variable(env.SIGNALS_TABLE)
    idempotency_table: str = variable(env.IDEMPOTENCY_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


@cache
def _store() -> NinjaReportStore:
    return NinjaReportStore(
        SETTINGS.ninja_orders_table, SETTINGS.ninja_positions_table, SETTINGS.signals_table, SETTINGS.idempotency_table
    )


@cache
def _reads() -> NinjaReads:
    return NinjaReads(SETTINGS.ninja_orders_table, SETTINGS.ninja_positions_table)


@cache
def _history() -> SignalHistory:
    return SignalHistory(SETTINGS.signals_table)


def _claim(kind: str, report: BaseModel, key: str | None, *, required: bool = True) -> IdempotencyClaim | None:
    if key is None:
        if required:
            raise BadRequest(
                f"the Idempotency-Key header is required on /ninja/{kind}",
                details={"problems": [{"field": "header.idempotency-key", "problem": "Field required"}]},
            )
        return None
    # The fingerprint is the report as validated, so a replay spaced or ordered differently still matches.
    return IdempotencyClaim.of(kind, key, report.model_dump_json())


def _answer(kind: str, outcome: Outcome, **ids: str) -> Response[dict[str, Any]]:
    metrics.add_dimension(name="report", value=kind)
    metrics.add_dimension(name="outcome", value=outcome)
    metrics.add_metric(name="NinjaReports", unit=MetricUnit.Count, value=1)
    logger.info(f"ninja {kind} report {outcome}", extra=ids)
    return Response(
        status_code=201 if outcome == "recorded" else 200,
        content_type="application/json",
        body={"outcome": outcome, **ids},
    )


@app.post("/ninja/fills", responses=_ANSWERS)
def report_fill(
    fill: Annotated[NinjaFillReport, Body()], idempotency_key: IdempotencyKey = None
) -> Response[dict[str, Any]]:
    outcome = _store().record_fill(fill, _claim("fills", fill, idempotency_key))
    return _answer("fills", outcome, order_id=fill.order_id, signal_id=fill.signal_id)


@app.post("/ninja/orders", responses=_ANSWERS)
def report_order_state(
    change: Annotated[NinjaOrderStateReport, Body()], idempotency_key: IdempotencyKey = None
) -> Response[dict[str, Any]]:
    outcome = _store().record_order_state(change, _claim("orders", change, idempotency_key))
    return _answer("orders", outcome, order_id=change.order_id, state=change.state.value)


@app.post("/ninja/positions", responses=_ANSWERS)
def report_position(
    position: Annotated[NinjaPositionReport, Body()], idempotency_key: IdempotencyKey = None
) -> Response[dict[str, Any]]:
    # Position files are snapshots: storing one twice changes nothing, so the key is optional.
    outcome = _store().record_position(position, _claim("positions", position, idempotency_key, required=False))
    return _answer("positions", outcome, account=position.account, instrument=position.instrument)


@app.post("/ninja/refusals", responses=_ANSWERS)
def report_refusal(
    refusal: Annotated[NinjaRefusalReport, Body()], idempotency_key: IdempotencyKey = None
) -> Response[dict[str, Any]]:
    outcome = _store().record_refusal(refusal, _claim("refusals", refusal, idempotency_key))
    if outcome == "recorded" and refusal.signal_id.startswith(ACCOUNT_REFUSAL_PREFIX):
        logger.error("the NinjaTrader bridge flattened an account", extra={"refusal": refusal.signal_id})
    elif outcome == "recorded":
        logger.warning(
            "the NinjaTrader bridge refused a signal",
            extra={"signal_id": refusal.signal_id, "rule": refusal.rule, "reason": refusal.reason},
        )
        # The pipeline left the signal "routed"; its history now says how it ended.
        rule = f" ({refusal.rule})" if refusal.rule else ""
        _history().record(
            refusal.signal_id,
            SignalStatus.REFUSED,
            int(time.time() * 1000),
            reason=f"NinjaTrader bridge refused it{rule}: {refusal.reason}",
        )
    return _answer("refusals", outcome, signal_id=refusal.signal_id)


@app.get("/ninja/orders/<id>")
def get_order(
    id: Annotated[str, Path(pattern=NINJA_ORDER_ID_PATTERN, description="the bridge's order id")],
) -> dict[str, Any]:
    """One NT8 order as the bridge last reported it."""
    return {"order": _reads().order(id)}


@app.get("/ninja/positions")
def list_positions(
    account: Annotated[str, Query(pattern=ACCOUNT_PATTERN, description="the NT8 account")],
) -> dict[str, Any]:
    """Every futures position of an NT8 account: booked from fills, with NT8's own report beside."""
    return {"positions": _reads().positions(account)}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
