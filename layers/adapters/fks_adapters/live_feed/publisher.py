"""Pushes newly stored candles to the live feed's subscribers through API Gateway's
``@connections`` management API (fks_adapters.live_feed.push says how failures are handled)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from fks.live_feed import Feed, candle_frames
from fks.market_data.storage import SeriesKey
from fks_adapters.live_feed.connections import ConnectionStore
from fks_adapters.live_feed.push import PushReport, management_client, send_all

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient

__all__ = ["LiveFeedPublisher", "PushReport"]


class LiveFeedPublisher:
    def __init__(
        self, endpoint_url: str, connections: ConnectionStore, client: ApiGatewayManagementApiClient | None = None
    ) -> None:
        self.connections = connections
        self._client: Any = client or management_client(endpoint_url)

    def publish(self, series: SeriesKey, candles: pd.DataFrame) -> PushReport:
        report = PushReport()
        if candles.empty:
            return report
        subscribers = self.connections.subscribers(Feed.of(series))
        report.subscribers = len(subscribers)
        if not subscribers:
            return report
        payloads = [json.dumps(frame).encode() for frame in candle_frames(series, candles)]
        for connection_id in subscribers:
            send_all(self._client, self.connections, connection_id, payloads, report)
        return report
