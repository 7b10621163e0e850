"""How long the first history backfill of one year of 1m candles takes against the exchange simulator.

The real path end to end, in one process: ``backfill_series`` with the ccxt source (``ccxt.binance``
with its rate limiter on, 1,000 candles per page) against the local simulator, validating each
day and writing it to the S3 Parquet store on a moto server over HTTP. Figures per stage are
printed; nothing is asserted. Run: .venv/bin/python benchmarks/backfill_one_year.py [days]
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from fks.market_data.collection import backfill_series
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import DAY_MS, Timeframe
from fks_adapters.exchanges import make_exchange
from fks_adapters.market_data.ccxt_source import CcxtCandleSource
from fks_adapters.market_data.s3_store import S3CandleStore
from fks_exchange_sim import ExchangeSimulator
from fks_local.ports import free_port

START = 1_704_153_600_000  # 2024-01-02T00:00Z: the simulator's history starts the day before


class TimedSource:
    def __init__(self, inner: CcxtCandleSource) -> None:
        self.inner, self.seconds, self.calls = inner, 0.0, 0

    def fetch_closed(self, symbol: str, timeframe: Timeframe, since_ms: int, until_ms: int) -> list[list[Any]]:
        started = time.perf_counter()
        try:
            return self.inner.fetch_closed(symbol, timeframe, since_ms, until_ms)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


class TimedStore(S3CandleStore):
    seconds = 0.0

    def write(self, key: SeriesKey, frame: Any) -> int:
        started = time.perf_counter()
        try:
            return super().write(key, frame)
        finally:
            self.seconds += time.perf_counter() - started


def main(days: int) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket="fks-bench")
    try:
        with ExchangeSimulator(port=0) as simulator:
            source = TimedSource(CcxtCandleSource(make_exchange("binance", base_url=simulator.url)))
            store = TimedStore("fks-bench", s3)
            key = SeriesKey.of("binance", "BTC/USDT", "1m")
            end = START + days * DAY_MS
            started = time.perf_counter()
            report = backfill_series(key, source, store, start_ms=START, end_ms=end, now_ms=int(time.time() * 1000))
            total = time.perf_counter() - started
    finally:
        server.stop()
    other = total - source.seconds - store.seconds
    print(f"backfill of {days} days of BTC/USDT 1m candles ({report.missing:,} missing at start)")
    print(f"  total              {total:8.1f} s   {report.repaired / total:10,.0f} candles/s")
    print(f"  exchange fetches   {source.seconds:8.1f} s   ({source.calls} day chunks, ccxt rate limiter on)")
    print(f"  S3 partition writes {store.seconds:7.1f} s   (one Parquet file per day, {days} days)")
    print(f"  validate + rest    {other:8.1f} s")
    print(f"  repaired {report.repaired:,}, rejected {report.rejected}, still missing {report.still_missing}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 365)
