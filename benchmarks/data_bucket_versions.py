"""What the data bucket costs for a year of 10 assets collected every minute, for three layouts of
the candle store (issue 24):

1. rewrite: each minute's collection merged its candle into the day's file and wrote the whole
   file again; a versioned bucket kept every version forever (the layout before issue 24);
2. rewrite + lifecycle: the same writes, with template.yaml's rule expiring a noncurrent candle
   version 1 day after it became noncurrent (S3 rounds that to the next midnight UTC, so one lives
   1 to 2 days: counted at 2 days, the worst case);
3. parts + compaction (now): each collection writes only its new candle as a small file of its own,
   nothing is overwritten; the compaction schedule folds today's files into one every 15 minutes,
   deleting what it folded (folded parts and superseded folds become noncurrent, expired as in 2).

File sizes are measured: each file is written here the way S3CandleStore writes it (snappy
Parquet). Requests are counted per S3CandleStore call: collection asks for the newest stored
candle, then writes; "a read of today" is one strategy evaluation's read of the current day, a
minute after the last one (a rewritten day file must be fetched whole each time; parts are
immutable, so a warm reader fetches only the new ones).
Prices: S3 Standard, us-east-1 list prices: $0.023 per GB-month, $0.005 per 1,000 PUT/LIST,
$0.0004 per 1,000 GET (DELETE is free).

Prints figures; asserts nothing. Run: .venv/bin/python benchmarks/data_bucket_versions.py
(COMPACT_EVERY=5 prices another compaction period).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import numpy as np
import pyarrow.parquet as pq

from fks.market_data import frame_to_arrow, raw_frame_from_ccxt, validate_candles

ASSETS, DAYS, MINUTES = 10, 365, 1_440
COMPACT_EVERY = int(os.environ.get("COMPACT_EVERY", "15"))  # minutes: CompactCandlesFunction's schedule
START = 1_704_067_200_000  # 2024-01-01T00:00:00Z
PRICE_PER_GB_MONTH, PRICE_PER_1K_PUT_LIST, PRICE_PER_1K_GET = 0.023, 0.005, 0.0004
NONCURRENT_LIFETIME_DAYS = 2  # lifecycle NoncurrentDays 1, rounded up to the next midnight
GB = 1e9


def one_day(seed: int = 20240101) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    close = np.round(40_000 + np.cumsum(rng.normal(0, 5, MINUTES)), 2)
    open_ = np.concatenate(([40_000.0], close[:-1]))
    high = np.round(np.maximum(open_, close) + np.abs(rng.normal(0, 3, MINUTES)), 2)
    low = np.round(np.minimum(open_, close) - np.abs(rng.normal(0, 3, MINUTES)), 2)
    volume = rng.integers(0, 5_000_000_000, MINUTES) / 1e8
    times = START + np.arange(MINUTES) * 60_000
    return [[int(t), o, h, lo, c, v] for t, o, h, lo, c, v in zip(times, open_, high, low, close, volume, strict=True)]


def file_sizes() -> tuple[list[int], list[int]]:
    """Bytes of the day's data after each minute (1 candle, 2, ... 1,440), and of each minute's
    one-candle part."""
    candles = validate_candles(raw_frame_from_ccxt(one_day()), timeframe="1m", now_ms=START + 2 * 86_400_000).accepted

    def size(rows: object) -> int:
        buffer = io.BytesIO()
        pq.write_table(frame_to_arrow(rows), buffer, compression="snappy")
        return buffer.getbuffer().nbytes

    return [size(candles.iloc[:m]) for m in range(1, MINUTES + 1)], [
        size(candles.iloc[m : m + 1]) for m in range(MINUTES)
    ]


@dataclass(frozen=True)
class Layout:
    name: str
    noncurrent_versions_per_day: int
    noncurrent_bytes_per_day: int
    kept_days: int  # how many days of noncurrent versions the bucket holds at the year's end
    put_list_per_day: int
    get_per_day: int
    read_gets: float  # GETs of one read of today, on average over the day
    read_lists: int


def layouts(day_sizes: list[int], part_sizes: list[int]) -> list[Layout]:
    rewrite_noncurrent = sum(day_sizes[:-1])  # every version but the last
    # Collection: newest stored candle (list the dates, get the day), then merge (get) and put.
    rewrite = dict(put_list_per_day=2 * MINUTES, get_per_day=2 * MINUTES, read_gets=1.0, read_lists=1)
    folds = MINUTES // COMPACT_EVERY
    fold_sizes = [day_sizes[(k + 1) * COMPACT_EVERY - 1] for k in range(folds)]
    # Every part is folded and deleted; every fold but the day's last is superseded by the next.
    parts_noncurrent = sum(part_sizes) + sum(fold_sizes[:-1])
    # Collection: list today (the newest candle from the names; the write reuses that listing)
    # and put its part. Each fold: list, get the previous fold and the parts since, put, one
    # DeleteObjects (free).
    per_fold_gets = 1 + COMPACT_EVERY
    parts = dict(
        put_list_per_day=2 * MINUTES + 2 * folds,
        get_per_day=per_fold_gets * folds,
        # Files never change, so a warm reader keeps those it read (S3CandleStore's file cache):
        # reading today a minute later fetches the one new part, and a new fold once a period.
        read_gets=1 + 1 / COMPACT_EVERY,
        read_lists=1,
    )
    return [
        Layout("rewrite", MINUTES - 1, rewrite_noncurrent, DAYS, **rewrite),  # type: ignore[arg-type]
        Layout("rewrite + lifecycle", MINUTES - 1, rewrite_noncurrent, NONCURRENT_LIFETIME_DAYS, **rewrite),  # type: ignore[arg-type]
        Layout("parts + compaction", MINUTES + folds - 1, parts_noncurrent, NONCURRENT_LIFETIME_DAYS, **parts),  # type: ignore[arg-type]
    ]


def main() -> None:
    day_sizes, part_sizes = file_sizes()
    current = ASSETS * DAYS * day_sizes[-1]
    print(
        f"day file {day_sizes[-1] / 1e3:.1f} kB complete; its {MINUTES} rewritten versions"
        f" {sum(day_sizes) / 1e6:.1f} MB; a one-candle part {np.mean(part_sizes) / 1e3:.1f} kB"
    )
    print(f"a year of {ASSETS} assets, collected every minute; current data {current / GB:.3f} GB in every layout")
    rows = layouts(day_sizes, part_sizes)
    print(f"{'':44}" + "".join(f"{row.name:>22}" for row in rows))

    def line(label: str, values: list[str]) -> None:
        print(f"{label:44}" + "".join(f"{value:>22}" for value in values))

    line("overwritten or deleted versions a day/asset", [f"{r.noncurrent_versions_per_day:,}" for r in rows])
    line(
        "noncurrent versions held at the year's end",
        [f"{ASSETS * r.kept_days * r.noncurrent_versions_per_day:,}" for r in rows],
    )
    stored = [current + ASSETS * r.kept_days * r.noncurrent_bytes_per_day for r in rows]
    line("stored at the year's end (GB)", [f"{s / GB:.3f}" for s in stored])
    # Storage grows linearly over the year: the year's bill is about half the last month's, twelve times.
    storage_year = [s / GB * PRICE_PER_GB_MONTH * 12 / 2 for s in stored]
    line("storage over the year ($)", [f"{c:.2f}" for c in storage_year])
    writes_year = [
        ASSETS * DAYS * (r.put_list_per_day * PRICE_PER_1K_PUT_LIST + r.get_per_day * PRICE_PER_1K_GET) / 1000
        for r in rows
    ]
    line("collection + compaction requests a year ($)", [f"{c:.2f}" for c in writes_year])
    reads_year = [
        ASSETS * DAYS * MINUTES * (r.read_lists * PRICE_PER_1K_PUT_LIST + r.read_gets * PRICE_PER_1K_GET) / 1000
        for r in rows
    ]
    line("one read of today a minute, a year ($)", [f"{c:.2f}" for c in reads_year])
    line(
        "total a year ($)", [f"{a + b + c:.2f}" for a, b, c in zip(storage_year, writes_year, reads_year, strict=True)]
    )
    written = [
        MINUTES * day_sizes[-1] / 2,
        sum(part_sizes) + sum(day_sizes[k * COMPACT_EVERY - 1] for k in range(1, MINUTES // COMPACT_EVERY + 1)),
    ]
    print(
        f"bytes a collection day writes per asset: rewrite {written[0] / 1e6:.1f} MB (the day so far, every minute);"
        f" parts + compaction {written[1] / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
