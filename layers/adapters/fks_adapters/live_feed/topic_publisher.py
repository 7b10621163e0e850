"""Pushes ``update`` frames of a record topic (fks.live_topics) to the connections subscribed to it."""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from fks.live_topics import Topic, update_frame
from fks_adapters.live_feed.connections import ConnectionStore
from fks_adapters.live_feed.push import PushReport, management_client, send_all

log = logging.getLogger(__name__)


class TopicPublisher:
    def __init__(self, endpoint_url: str, connections: ConnectionStore, client: Any | None = None) -> None:
        self.connections = connections
        self._client: Any = client or management_client(endpoint_url)
        self._subscribers: dict[str, list[str]] = {}  # per topic, for one batch of changes

    def publish(self, topic: str, frames: list[dict[str, Any]]) -> PushReport:
        report = PushReport()
        if not frames:
            return report
        if topic not in self._subscribers:
            self._subscribers[topic] = self.connections.subscribers(Topic(topic))
        subscribers = self._subscribers[topic]
        report.subscribers = len(subscribers)
        payloads = [json.dumps(frame).encode() for frame in frames]
        for connection_id in subscribers:
            send_all(self._client, self.connections, connection_id, payloads, report)
        return report


def push_health(report: dict[str, Any], publisher: TopicPublisher | None) -> int:
    """The monitor's report to the health topic's subscribers; frames sent. Without the live
    feed configured (no publisher), or when it cannot be reached, nothing is pushed: the report
    itself (metrics, alarms) never depends on a dashboard being open."""
    if publisher is None:
        return 0
    frame = update_frame("health", "MODIFY", {"part": "stack", **report})
    try:
        return publisher.publish("health", [frame]).frames_sent
    except (BotoCoreError, ClientError) as error:
        log.warning("health not pushed to the live feed: %s", error)
        return 0
