"""Pushes record changes to the live feed: the signals, orders, portfolio and risk-state tables'
change streams become ``update`` frames of the signals, orders (and fills), portfolio and health
topics (fks.live_topics), sent to the WebSocket connections subscribed to each. A push that fails
is logged and skipped: a dashboard that misses one catches up on its next read, so a stream batch
is never retried for it."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.function_settings import FunctionSettings, variable
from fks.invocations import StreamBatch, parse_event
from fks.observability import observed
from fks_adapters.live_feed.connections import ConnectionStore
from fks_adapters.live_feed.push import management_client
from fks_adapters.live_feed.record_changes import frames_for, image, table_of
from fks_adapters.live_feed.topic_publisher import TopicPublisher

logger = Logger()


class Settings(FunctionSettings):
    live_feed_endpoint: str = variable(env.LIVE_FEED_ENDPOINT)
    live_feed_table: str = variable(env.LIVE_FEED_TABLE)
    # The tables whose streams this function hears, each with the topic its changes go to.
    signals_table: str | None = variable(env.SIGNALS_TABLE, default=None)
    orders_table: str | None = variable(env.ORDERS_TABLE, default=None)
    portfolio_table: str | None = variable(env.PORTFOLIO_TABLE, default=None)
    risk_state_table: str | None = variable(env.RISK_STATE_TABLE, default=None)

    def topics_by_table(self) -> dict[str, str]:
        tables = {
            self.signals_table: "signals",
            self.orders_table: "orders",
            self.portfolio_table: "portfolio",
            self.risk_state_table: "health",
        }
        return {name: topic for name, topic in tables.items() if name}


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it


@cache
def _connections() -> tuple[ConnectionStore, Any]:
    """The connections table and the @connections client, once per container."""
    return ConnectionStore(SETTINGS.live_feed_table), management_client(SETTINGS.live_feed_endpoint)


def _publisher() -> TopicPublisher:
    """One per batch: it reads each topic's subscribers once, so a subscription made since the
    last batch is seen."""
    connections, client = _connections()
    return TopicPublisher(SETTINGS.live_feed_endpoint, connections, client)


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    topics = SETTINGS.topics_by_table()
    publisher = _publisher()
    changes = parse_event(StreamBatch, event, "record changes")
    pushed = 0
    for record in changes.records:
        topic = topics.get(table_of(record.event_source_arn))
        if topic is None:
            continue
        change = record.dynamodb
        frames = frames_for(topic, record.event_name, image(change.old_image), image(change.new_image))
        by_topic: dict[str, list[dict[str, Any]]] = {}
        for frame in frames:
            by_topic.setdefault(frame["topic"], []).append(frame)
        for name, batch in by_topic.items():
            pushed += publisher.publish(name, batch).frames_sent
    logger.info("record changes pushed", extra={"records": len(changes.records), "frames_sent": pushed})
    return {"frames_sent": pushed}
