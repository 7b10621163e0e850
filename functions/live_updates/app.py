"""Pushes record changes to the live feed: the signals, orders, portfolio and risk-state tables'
change streams become ``update`` frames of the signals, orders (and fills), portfolio and health
topics (fks.live_topics), sent to the WebSocket connections subscribed to each. A push that fails
is logged and skipped: a dashboard that misses one catches up on its next read, so a stream batch
is never retried for it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.invocations import StreamBatch, parse_event
from fks.observability import observed
from fks_adapters.live_feed.connections import ConnectionStore
from fks_adapters.live_feed.record_changes import frames_for, image, table_of
from fks_adapters.live_feed.topic_publisher import TopicPublisher

logger = Logger()


def _topics_by_table() -> dict[str, str]:
    tables = {
        env.SIGNALS_TABLE: "signals",
        env.ORDERS_TABLE: "orders",
        env.PORTFOLIO_TABLE: "portfolio",
        env.RISK_STATE_TABLE: "health",
    }
    return {name: topic for variable, topic in tables.items() if (name := env.get(variable))}


@observed(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    topics = _topics_by_table()
    publisher = TopicPublisher(env.require(env.LIVE_FEED_ENDPOINT), ConnectionStore(env.require(env.LIVE_FEED_TABLE)))
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
