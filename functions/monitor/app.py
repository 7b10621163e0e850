"""Checks each part of the stack: serves GET /health and, on its schedule, publishes a metric per part."""

from __future__ import annotations

import os
import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.data_gaps import DEFAULT_MAX_AGE_MIN
from fks.invocations import ScheduledRun, parse_event
from fks.observability import observed, tracer
from fks_adapters.api import make_resolver
from fks_adapters.aws.health import (
    DOWN,
    HEALTHY,
    PartHealth,
    check_bucket,
    check_dead_letter_queue,
    check_table,
    check_trading_states,
    report,
)
from fks_adapters.aws.health_compute import check_function, check_state_machine, stack_functions
from fks_adapters.aws.health_metrics import check_heartbeat, publish_health
from fks_adapters.data_gaps import GapRecords, check_gaps
from fks_adapters.live_feed.topic_publisher import push_health

logger = Logger()
app = make_resolver(logger)  # validation, CORS for the dashboard, FksError statuses


def _listed(name: str) -> list[str]:
    return [item for item in (env.get(name) or "").split(",") if item]


def _stage() -> str:
    return env.get(env.STAGE, "dev") or "dev"


def _data_freshness() -> list[PartHealth]:
    # Imported here: the market-data adapters bring pandas, which only this check needs.
    from fks_adapters.market_data.freshness import check_freshness
    from fks_adapters.market_data.wiring import asset_registry, candle_store

    return check_freshness(asset_registry(), candle_store())


def _data_gaps() -> list[PartHealth]:
    table = env.get(env.DATA_GAPS_TABLE)
    if not table:
        return []
    max_age = int(env.get(env.GAP_MAX_AGE_MIN) or DEFAULT_MAX_AGE_MIN)
    return check_gaps(GapRecords(table), int(time.time() * 1000), max_age)


@tracer.capture_method
def run_checks() -> list[PartHealth]:
    parts = [check_bucket(env.require(env.DATA_BUCKET))]
    parts += [check_table(name) for name in _listed(env.TABLE_NAMES)]
    parts += [check_dead_letter_queue(url) for url in _listed(env.DLQ_URLS)]
    parts += [check_state_machine(arn) for arn in _listed(env.STATE_MACHINE_ARNS)]
    max_age = int(env.get(env.BRIDGE_HEARTBEAT_MAX_AGE_S, "180") or "180")
    parts += [check_heartbeat(_stage(), bridge, max_age) for bridge in _listed(env.BRIDGE_NAMES)]
    parts += _data_freshness()
    parts += _data_gaps()
    risk_table = env.get(env.RISK_STATE_TABLE)
    if risk_table:
        parts += check_trading_states(risk_table)
    own_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
    stack = env.get(env.STACK_NAME)
    if stack:
        parts += [check_function(name) for name in stack_functions(f"{stack}-") if name != own_name]
    return parts


def _checked() -> tuple[list[PartHealth], dict[str, Any]]:
    parts = run_checks()
    for part in parts:
        if part.status != HEALTHY:
            logger.warning("part unhealthy", extra=part.as_dict())
    return parts, report(parts)


def http_status(parts: list[PartHealth]) -> int:
    """200 while the platform serves (healthy, or degraded: a part needs attention but nothing is
    down), 503 only when a part it runs on is down (a table, the bucket, a function). A halted
    account is shown down in the body and alarms, but it is a decision (an operator's, or the
    circuit breaker's) that the API keeps serving through, so it alone is no 503. A load balancer
    or uptime probe reading the code must not take either for an outage."""
    outage = any(part.status == DOWN and part.kind != "trading" for part in parts)
    return 503 if outage else 200


@app.get(
    "/health",
    responses={
        200: {"description": "Serving: 'healthy', or 'degraded' (or an account halted) with the parts to look at"},
        503: {"description": "A part the platform runs on is down (status 'down'); the body says which"},
    },
)
def health() -> Response[dict[str, Any]]:
    """Every part's health: 200 when healthy or degraded, 503 when a part the platform runs on is down."""
    parts, body = _checked()
    return Response(
        status_code=http_status(parts),
        content_type="application/json",
        body=body,
        headers={"Cache-Control": "no-store"},
    )


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "httpMethod" in event:
        return app.resolve(event, context)
    parse_event(ScheduledRun, event, "Monitor")  # a schedule run, or {}: no options
    parts, body = _checked()
    # Only the scheduled run publishes: the API must not add data points on every page load.
    published = publish_health(parts, _stage())
    pushed = push_health(body)  # to open dashboards (the live feed's health topic)
    logger.info("health published", extra={"status": body["status"], "datapoints": published, "pushed": pushed})
    return body
