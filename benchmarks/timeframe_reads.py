"""What serving every timeframe from the stored 1m base costs a reader: the S3 Parquet store on a
moto server over HTTP, holding only 1m candles (the simulator's sample series, as collection
stores them), read through ``CandleSeriesReader`` as the functions read it.

Figures, each the median of a few runs:
  newest closed bar      the freshness check ``generate_signals`` makes per strategy and run
  lookback 1h / 1d       a scheduled evaluation's read (sma 10/30 on 1h: 96 hours)
  backtest 1h over N d   a backtest's read of N days of 1m candles resampled to 1h
Prints figures; asserts nothing. Run: .venv/bin/python benchmarks/timeframe_reads.py [days]
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from collections.abc import Callable

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import DAY_MS, HOUR_MS
from fks_adapters.market_data.s3_store import S3CandleStore
from fks_cli.bundled_candles import BundledCandleStore
from fks_local.ports import free_port

START = 1_735_689_600_000  # 2025-01-01T00:00Z
RUNS = 5


def median_s(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="fks-bench")
        store = S3CandleStore("fks-bench", s3)
        base = SeriesKey.of("binance", "BTC/USDT", "1m")
        end = START + days * DAY_MS
        store.write(base, BundledCandleStore(now_ms=end).read(base, START, end))
        reader = CandleSeriesReader(store)
        hourly, daily = SeriesKey.of("binance", "BTC/USDT", "1h"), SeriesKey.of("binance", "BTC/USDT", "1d")
        print(f"{days} days of BTC/USDT 1m candles stored ({days * 1440:,} candles, one Parquet file per day)")
        figures = {
            "newest closed bar (1h)": median_s(lambda: reader.newest_closed_bar(hourly, end)),
            "lookback read 1h, 96 bars": median_s(lambda: reader.read(hourly, end - 96 * HOUR_MS, end)),
            "lookback read 1d, 96 bars": median_s(lambda: reader.read(daily, end - 96 * DAY_MS, end), runs=3),
            f"backtest read 1h, {days} days": median_s(lambda: reader.read(hourly, START, end), runs=3),
        }
    finally:
        server.stop()
    for name, seconds in figures.items():
        print(f"  {name:<30} {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 90)
