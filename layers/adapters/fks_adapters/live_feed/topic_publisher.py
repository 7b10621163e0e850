"""Pushes ``update`` frames of a record topic (fks.live_topics) to the connections subscribed to it."""

from __future__ import annotations

import json
from typing import Any

from fks.live_topics import Topic
from fks_adapters.live_feed.connections import ConnectionStore
from fks_adapters.live_feed.push import PushReport, management_client, send_all


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
