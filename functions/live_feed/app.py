"""The live feed's WebSocket routes: ``$connect``, ``$disconnect``, ``subscribe``, ``unsubscribe``
and ``$default``.

``$connect`` has already passed the authorizer (a key or JWT with the read scope, sent as the
``token`` query parameter); it records the connection. A subscription names a symbol and
timeframe that some enabled asset collects; the answer (``subscribed``, ``unsubscribed`` or an
``error`` frame naming the problem) goes back to the client as the route's response. Candles
are pushed by ``collect_ohlcv``, not from here: the collected base as stored, and every longer
timeframe (built from the base) once per closed bar. A subscription may name a record topic
instead (``{"action": "subscribe", "topic": "signals"}``, fks.live_topics): ``live_updates``
pushes those from the tables' change streams.
"""

from __future__ import annotations

import json
import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.errors import BadRequest, FksError
from fks.function_settings import FunctionSettings, variable
from fks.invocations import WebSocketCaller, WebSocketEvent, parse_event
from fks.live_feed import Feed, ack_frame, error_frame, parse_feed_request
from fks.market_data.timeframes import is_multiple_of
from fks.observability import observed
from fks_adapters.live_feed.connections import ConnectionStore
from fks_adapters.market_data.assets import AssetRegistry

logger = Logger()


class Settings(FunctionSettings):
    live_feed_table: str = variable(env.LIVE_FEED_TABLE)
    assets_table: str = variable(env.ASSETS_TABLE)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _connections() -> ConnectionStore:
    return ConnectionStore(SETTINGS.live_feed_table)


@cache
def _registry() -> AssetRegistry:
    return AssetRegistry(SETTINGS.assets_table)


def _require_collected(feed: Feed) -> None:
    """Only what collection stores is ever pushed: refuse a feed that would stay silent."""
    enabled = _registry().list_assets(enabled_only=True)
    assets = [a for a in enabled if (a.exchange, a.symbol) == (feed.exchange, feed.symbol)]
    if not assets:
        raise BadRequest(
            f"{feed.symbol} is not collected on {feed.exchange}: enable it with POST /assets/enable",
            details=feed.as_dict(),
        )
    # Longer timeframes are built from the collected base and pushed as each bar closes.
    buildable = [
        a for a in assets if feed.timeframe.ms >= a.timeframe.ms and is_multiple_of(feed.timeframe, a.timeframe)
    ]
    if not buildable:
        collected = ", ".join(sorted({a.timeframe.value for a in assets}))
        raise BadRequest(
            f"{feed.symbol} is collected at {collected}: timeframe {feed.timeframe.value} is finer than "
            f"the collected base timeframe or not made of whole {collected} candles",
            details={**feed.as_dict(), "base_timeframe": collected},
        )


def on_message(connection_id: str, body: str | None) -> dict[str, Any]:
    request = parse_feed_request(body)
    feed = request.feed
    if request.action == "subscribe":
        if isinstance(feed, Feed):
            _require_collected(feed)
        _connections().subscribe(connection_id, feed)
    else:
        _connections().unsubscribe(connection_id, feed)
    return ack_frame(request.action, feed)


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    websocket = parse_event(WebSocketEvent, event, "live feed")
    route, connection_id = websocket.request_context.route_key, websocket.request_context.connection_id
    logger.append_keys(connection_id=connection_id, route=route)
    if route == "$connect":
        caller = websocket.request_context.authorizer or WebSocketCaller()
        _connections().open(connection_id, principal=caller.principal_id, kind=caller.kind, now_s=int(time.time()))
        return {"statusCode": 200}
    if route == "$disconnect":
        _connections().close(connection_id)
        return {"statusCode": 200}
    try:
        return {"statusCode": 200, "body": json.dumps(on_message(connection_id, websocket.body))}
    except FksError as error:
        logger.info("message refused", extra={"error": error.message})
        action = route if route != "$default" else None
        return {"statusCode": error.status_code, "body": json.dumps(error_frame(error, action))}
