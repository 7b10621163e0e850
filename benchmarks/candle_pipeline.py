"""Throughput of the candle pipeline on 1,000,000 synthetic one-minute candles (fixed seed).

Stages, each timed alone on one process:
  validate (floats)   float64 columns, as ccxt gives them, read exactly and validated
  validate (text)     the same candles as text with 0.1 % unreadable values (the slower path)
  parquet write       the accepted frame with exchange=/symbol=/timeframe=/date= partitions
  resample 1m->1h     and find_gaps over the whole range, for scale
  ccxt rows -> frame  raw_frame_from_ccxt on 1,000,000 Python lists (last: the lists are big)

Prints figures; asserts nothing. Run: .venv/bin/python benchmarks/candle_pipeline.py [candles]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from fks.market_data import (
    find_gaps,
    frame_to_arrow,
    raw_frame_from_ccxt,
    resample_candles,
    validate_candles,
)

T = TypeVar("T")
MINUTE = 60_000
DAY = 1_440 * MINUTE
START = 1_704_067_200_000  # 2024-01-01T00:00:00Z
SEED = 20240101


def synthetic_candles(count: int) -> pd.DataFrame:
    """A random walk around 40,000 with 2-decimal prices and 8-decimal volumes, as float64,
    with 0.1 % exact duplicates and 0.1 % rows whose high is below their open."""
    rng = np.random.default_rng(SEED)
    close = np.round(40_000 + np.cumsum(rng.normal(0, 5, count)), 2)
    open_ = np.concatenate(([40_000.0], close[:-1]))
    high = np.round(np.maximum(open_, close) + np.abs(rng.normal(0, 3, count)), 2)
    low = np.round(np.minimum(open_, close) - np.abs(rng.normal(0, 3, count)), 2)
    volume = rng.integers(0, 5_000_000_000, count) / 1e8
    frame = pd.DataFrame(
        {
            "open_time": START + np.arange(count, dtype=np.int64) * MINUTE,
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": volume,
        }
    )
    broken = rng.choice(count, count // 1000, replace=False)
    frame.loc[broken, "high"] = frame.loc[broken, "open"] - 1
    copies = frame.iloc[rng.choice(count, count // 1000, replace=False)]
    return pd.concat([frame, copies], ignore_index=True)


def as_text(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    text = frame.copy()
    for name in ("open", "high", "low", "close", "volume"):
        text[name] = pd.arrays.ArrowExtensionArray(pa.array(frame[name].to_numpy()).cast(pa.string()))
    bad = rng.choice(len(frame), len(frame) // 1000, replace=False)
    text.loc[bad, "low"] = "n/a"
    return text


def partitioned(table: pa.Table, *, exchange: str, symbol: str, timeframe: str) -> pa.Table:
    days = pc.divide(table.column("open_time"), DAY).cast(pa.int32())
    dates = days.cast(pa.date32()).cast(pa.string())
    rows = table.num_rows
    return (
        table.append_column("exchange", pa.repeat(exchange, rows))
        .append_column("symbol", pa.repeat(symbol, rows))
        .append_column("timeframe", pa.repeat(timeframe, rows))
        .append_column("date", dates)
    )


def timed(label: str, count: int, action: Callable[[], T]) -> T:
    """Run once; print wall and CPU time (CPU is what one core spent, whatever else the host runs)."""
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    print(
        f"{label:<19} wall {wall:6.3f} s {count / wall:>11,.0f}/s  cpu {cpu:6.3f} s {count / cpu:>11,.0f}/s"
        f"  peak RSS {peak_rss_mb():4.0f} MB (Arrow pool {pa.default_memory_pool().max_memory() / 2**20:3.0f} MB)"
    )
    return result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(count: int) -> None:
    print(f"building {count:,} synthetic 1m candles (seed {SEED}) ...")
    floats = synthetic_candles(count)
    text = as_text(floats, np.random.default_rng(SEED + 1))
    now_ms = START + (count + 1) * MINUTE
    float_mb = floats.memory_usage(index=False).sum() / 2**20
    print(f"input: {len(floats):,} rows, {float_mb:.0f} MB as float64 columns; pyarrow {pa.__version__}")
    print(f"peak RSS once both inputs (floats and text) are built: {peak_rss_mb():.0f} MB\n")

    result = timed("validate (floats)", len(floats), lambda: validate_candles(floats, timeframe="1m", now_ms=now_ms))
    text_result = timed("validate (text)", len(text), lambda: validate_candles(text, timeframe="1m", now_ms=now_ms))
    accepted = result.accepted
    accepted_mb = frame_to_arrow(accepted).nbytes / 2**20
    print(
        f"  floats: accepted {result.accepted_count:,}, rejected {result.reason_counts()}, "
        f"exact duplicates dropped {result.duplicates_dropped:,}"
    )
    print(f"  text:   accepted {text_result.accepted_count:,}, rejected {text_result.reason_counts()}")
    print(f"  accepted frame {accepted_mb:.0f} MB (int64 + 5 x decimal128 = 88 bytes per candle)")

    with tempfile.TemporaryDirectory() as root:

        def write() -> None:
            table = partitioned(frame_to_arrow(accepted), exchange="binance", symbol="BTC/USDT", timeframe="1m")
            ds.write_dataset(
                table,
                root,
                format="parquet",
                partitioning=["exchange", "symbol", "timeframe", "date"],
                partitioning_flavor="hive",
                max_partitions=4096,
                existing_data_behavior="overwrite_or_ignore",
            )

        timed("parquet write", len(accepted), write)
        files = sorted(Path(root).rglob("*.parquet"))
        size_mb = sum(file.stat().st_size for file in files) / 2**20
        print(f"  {len(files):,} files, {size_mb:.0f} MB on disk, e.g. {files[0].relative_to(root)}")

    timed("resample 1m->1h", len(accepted), lambda: resample_candles(accepted, source="1m", target="1h"))
    open_times = accepted["open_time"].to_numpy()
    gaps = timed(
        "find_gaps",
        len(accepted),
        lambda: find_gaps(open_times, timeframe="1m", start_ms=START, end_ms=now_ms - MINUTE),
    )
    print(f"  {len(gaps):,} gaps (where the broken rows were rejected)")

    rows = floats.head(count).to_numpy(dtype=object).tolist()
    for row in rows:
        row[0] = int(row[0])
    timed("ccxt rows -> frame", len(rows), lambda: raw_frame_from_ccxt(rows))
    print("  (the 1,000,000 Python row lists alone account for most of the RSS growth of this stage)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
