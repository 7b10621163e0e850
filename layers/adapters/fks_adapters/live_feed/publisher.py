"""Pushes newly stored candles to the live feed's subscribers through API Gateway's
``@connections`` management API.

A subscriber that has gone (``GoneException``) is removed with its subscriptions; any other
failure is counted and the next subscriber is served, so one bad connection never holds back the
others. Short timeouts and one retry: the caller (collection) must not spend its minute here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import pandas as pd
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from fks.live_feed import Feed, candle_frames
from fks.market_data.storage import SeriesKey
from fks_adapters.live_feed.connections import ConnectionStore

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient

log = logging.getLogger(__name__)
_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})


@dataclass
class PushReport:
    subscribers: int = 0
    frames_sent: int = 0
    gone: int = 0
    failed: int = 0


class LiveFeedPublisher:
    def __init__(
        self, endpoint_url: str, connections: ConnectionStore, client: ApiGatewayManagementApiClient | None = None
    ) -> None:
        self.connections = connections
        self._client: Any = client or boto3.client(
            "apigatewaymanagementapi", endpoint_url=endpoint_url, config=_CLIENT_CONFIG
        )

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
            self._send_all(connection_id, payloads, report)
        return report

    def _send_all(self, connection_id: str, payloads: list[bytes], report: PushReport) -> None:
        for payload in payloads:
            try:
                self._client.post_to_connection(ConnectionId=connection_id, Data=payload)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "GoneException":
                    self.connections.close(connection_id)
                    report.gone += 1
                else:
                    log.warning("push to %s failed: %s", connection_id, exc)
                    report.failed += 1
                return
            except BotoCoreError as exc:
                log.warning("push to %s failed: %s", connection_id, exc)
                report.failed += 1
                return
            report.frames_sent += 1
