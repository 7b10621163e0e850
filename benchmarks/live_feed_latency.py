"""Live feed latency on the local stack: from a candle stored (the S3 write returned) to its frame
received by a WebSocket client. Prints p50/p95/max; asserts nothing.

The path is collect_ohlcv's after its store write: find the feed's subscribers (DynamoDB by-feed
index), ``post_to_connection`` through the local @connections endpoint, the local gateway's
frame to the client. The client is websocket-client, connected with a read key and subscribed
through the real $connect authorizer and subscribe route.

Run: .venv/bin/python benchmarks/live_feed_latency.py [candles]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import websocket

from fks.auth.principal import Scope
from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.storage import SeriesKey
from fks_adapters.aws.api_key_store import ApiKeyStore, create_key
from fks_adapters.live_feed.connections import ConnectionStore
from fks_adapters.live_feed.publisher import LiveFeedPublisher
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.s3_store import S3CandleStore
from fks_local.aws_session import LOCAL_CREDENTIALS
from fks_local.stack import LocalStack, StackOptions

START = 1_704_153_600_000  # 2024-01-02T00:00Z
MINUTE = 60_000


def _candle(open_time: int) -> list[object]:
    return [open_time, 42000.5, 42010.25, 41990.0, 42005.75, 1.5]


def main(count: int) -> None:
    with LocalStack(StackOptions(state_dir=Path(tempfile.mkdtemp(prefix="fks-bench-")), schedules=False)) as stack:
        # awswrangler (the S3 store) writes through the default session: point it at the stack.
        os.environ.update({"AWS_ENDPOINT_URL": stack.endpoint_url, "AWS_DEFAULT_REGION": "us-east-1"})
        os.environ.update(LOCAL_CREDENTIALS)
        assert stack.deployed is not None
        outputs, dynamodb = stack.deployed.outputs, stack.clients("dynamodb")
        key = create_key(ApiKeyStore(outputs["ApiKeysTableName"], dynamodb), None, "bench", frozenset({Scope.READ}))
        series = SeriesKey.of("binance", "BTC/USDT", "1m")
        AssetRegistry(stack.deployed.physical_id("AssetsTable"), dynamodb).enable(series, 0)  # subscribable
        gateway = stack.websocket_gateways["LiveFeedApi"]
        client = websocket.create_connection(f"{gateway.url}?token={key.presented}", timeout=30)
        client.send(json.dumps({"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "1m"}))
        print("subscribe ->", client.recv())
        store = S3CandleStore(outputs["DataBucketName"], stack.clients("s3"))
        publisher = LiveFeedPublisher(
            gateway.management_url,
            ConnectionStore(outputs["LiveFeedConnectionsTableName"], dynamodb),
        )
        latencies_ms: list[float] = []
        writes_ms: list[float] = []
        for index in range(count):
            frame = validate_candles(
                raw_frame_from_ccxt([_candle(START + index * MINUTE)]), timeframe=series.timeframe, now_ms=START * 2
            ).accepted
            began = time.perf_counter()
            store.write(series, frame)
            stored = time.perf_counter()
            publisher.publish(series, frame)
            json.loads(client.recv())
            received = time.perf_counter()
            writes_ms.append((stored - began) * 1000)
            latencies_ms.append((received - stored) * 1000)
        client.close()
    _print("S3 write (for scale)", writes_ms)
    _print("stored -> frame received", latencies_ms)


def _print(label: str, values: list[float]) -> None:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{label:<26} n={len(values)} p50={statistics.median(ordered):.1f} ms p95={p95:.1f} ms max={ordered[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
