"""Sending frames to one connection through API Gateway's ``@connections`` API, shared by the
candle publisher and the record-topic publisher (which must not import pandas).

A subscriber that has gone (``GoneException``) is removed with its subscriptions; any other
failure is counted and the next subscriber is served, so one bad connection never holds back the
others. Short timeouts and one retry: the caller must not spend its time here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from fks_adapters.aws.lazy import aws_client, client_config
from fks_adapters.live_feed.connections import ConnectionStore

log = logging.getLogger(__name__)


@dataclass
class PushReport:
    subscribers: int = 0
    frames_sent: int = 0
    gone: int = 0
    failed: int = 0


def management_client(endpoint_url: str) -> Any:
    # The config is made here, not at import: botocore.config loads most of botocore, which a
    # cold start of the monitor's health route should not pay before it pushes anything.
    config = client_config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
    return aws_client("apigatewaymanagementapi", endpoint_url=endpoint_url, config=config)


def send_all(
    client: Any, connections: ConnectionStore, connection_id: str, payloads: list[bytes], report: PushReport
) -> None:
    for payload in payloads:
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=payload)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "GoneException":
                connections.close(connection_id)
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
