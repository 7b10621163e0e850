"""Checks each part of the stack: serves GET /health and, on its schedule, publishes a metric per part."""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.data_gaps import DEFAULT_MAX_AGE_MIN
from fks.function_settings import ApiSettings, names, variable
from fks.invocations import ScheduledRun, parse_event
from fks.observability import observed, tracer
from fks_adapters.api import make_resolver
from fks_adapters.aws.health import (
    HEALTHY,
    PartHealth,
    check_bucket,
    check_dead_letter_queue,
    check_table,
    check_trading_states,
    http_status,
    report,
)
from fks_adapters.aws.health_compute import check_function, check_state_machine, stack_functions
from fks_adapters.aws.health_metrics import check_heartbeat, publish_health
from fks_adapters.data_gaps import GapRecords, check_gaps
from fks_adapters.live_feed.topic_publisher import TopicPublisher, push_health

if TYPE_CHECKING:
    from fks_adapters.live_feed.connections import ConnectionStore

logger = Logger()


class Settings(ApiSettings):
    stage: str = variable(env.STAGE, default="dev")
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)
    # What to check, each a comma-separated list (empty: none of that kind).
    table_names: tuple[str, ...] = variable(env.TABLE_NAMES, names, default=())
    dlq_urls: tuple[str, ...] = variable(env.DLQ_URLS, names, default=())
    state_machine_arns: tuple[str, ...] = variable(env.STATE_MACHINE_ARNS, names, default=())
    bridge_names: tuple[str, ...] = variable(env.BRIDGE_NAMES, names, default=())
    bridge_heartbeat_max_age_s: int = variable(env.BRIDGE_HEARTBEAT_MAX_AGE_S, int, default=180)
    data_gaps_table: str | None = variable(env.DATA_GAPS_TABLE, default=None)
    gap_max_age_min: int = variable(env.GAP_MAX_AGE_MIN, int, default=DEFAULT_MAX_AGE_MIN)
    risk_state_table: str | None = variable(env.RISK_STATE_TABLE, default=None)
    stack_name: str | None = variable(env.STACK_NAME, default=None)
    live_feed_endpoint: str | None = variable(env.LIVE_FEED_ENDPOINT, default=None)
    live_feed_table: str | None = variable(env.LIVE_FEED_TABLE, default=None)
    # Lambda's own: the monitor does not check itself.
    function_name: str = variable("AWS_LAMBDA_FUNCTION_NAME", default="")


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


def _data_freshness() -> list[PartHealth]:
    # Imported here: the market-data adapters bring pandas, which only this check needs.
    from fks_adapters.market_data.assets import AssetRegistry
    from fks_adapters.market_data.candle_reader import candle_store
    from fks_adapters.market_data.freshness import check_freshness

    return check_freshness(AssetRegistry(SETTINGS.assets_table), candle_store(SETTINGS.data_bucket))


def _data_gaps() -> list[PartHealth]:
    if not SETTINGS.data_gaps_table:
        return []
    return check_gaps(GapRecords(SETTINGS.data_gaps_table), int(time.time() * 1000), SETTINGS.gap_max_age_min)


@cache
def _live_feed() -> tuple[ConnectionStore, Any] | None:
    """The connections table and the @connections client, once per container, when the deployment
    has the live feed (both variables set)."""
    if not SETTINGS.live_feed_endpoint or not SETTINGS.live_feed_table:
        return None
    from fks_adapters.live_feed.connections import ConnectionStore
    from fks_adapters.live_feed.push import management_client

    return ConnectionStore(SETTINGS.live_feed_table), management_client(SETTINGS.live_feed_endpoint)


def _health_topic() -> TopicPublisher | None:
    """The health topic's publisher for one report: it reads the topic's subscribers afresh."""
    live_feed = _live_feed()
    if live_feed is None or not SETTINGS.live_feed_endpoint:
        return None
    connections, client = live_feed
    return TopicPublisher(SETTINGS.live_feed_endpoint, connections, client)


@tracer.capture_method
def run_checks() -> list[PartHealth]:
    parts = [check_bucket(SETTINGS.data_bucket)]
    parts += [check_table(name) for name in SETTINGS.table_names]
    parts += [check_dead_letter_queue(url) for url in SETTINGS.dlq_urls]
    parts += [check_state_machine(arn) for arn in SETTINGS.state_machine_arns]
    max_age = SETTINGS.bridge_heartbeat_max_age_s
    parts += [check_heartbeat(SETTINGS.stage, bridge, max_age) for bridge in SETTINGS.bridge_names]
    parts += _data_freshness()
    parts += _data_gaps()
    if SETTINGS.risk_state_table:
        parts += check_trading_states(SETTINGS.risk_state_table)
    own_name = SETTINGS.function_name
    stack = SETTINGS.stack_name
    if stack:
        parts += [check_function(name) for name in stack_functions(f"{stack}-") if name != own_name]
    return parts


def _checked() -> tuple[list[PartHealth], dict[str, Any]]:
    parts = run_checks()
    for part in parts:
        if part.status != HEALTHY:
            logger.warning("part unhealthy", extra=part.as_dict())
    return parts, report(parts)


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
    published = publish_health(parts, SETTINGS.stage)
    pushed = push_health(body, _health_topic())  # to open dashboards (the live feed's health topic)
    logger.info("health published", extra={"status": body["status"], "datapoints": published, "pushed": pushed})
    return body
