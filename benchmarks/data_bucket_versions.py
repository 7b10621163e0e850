"""What the data bucket keeps for a year of 10 assets collected every minute, before and after
the lifecycle rules of template.yaml (issue 24).

Collection merges each minute's candle into its day's file and writes the whole file again
(snappy parquet, as S3CandleStore does), so a versioned bucket keeps one version per minute. The
sizes are measured: each of a day's 1,440 files is written here the way the store writes it.
Before: every version is kept forever. After: a noncurrent candle version is expired 1 day after
it became noncurrent; S3 rounds that to the next midnight UTC, so one lives 1 to 2 days (counted
at 2 days, the worst case). Cost at S3 Standard's us-east-1 list price, $0.023 per GB-month.

Prints figures; asserts nothing. Run: .venv/bin/python benchmarks/data_bucket_versions.py
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow.parquet as pq

from fks.market_data import frame_to_arrow, raw_frame_from_ccxt, validate_candles

ASSETS, DAYS, MINUTES = 10, 365, 1_440
START = 1_704_067_200_000  # 2024-01-01T00:00:00Z
PRICE_PER_GB_MONTH = 0.023
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


def file_sizes() -> list[int]:
    """Bytes of the day file after each minute's write: 1 candle, 2 candles, ... 1,440."""
    candles = validate_candles(raw_frame_from_ccxt(one_day()), timeframe="1m", now_ms=START + 2 * 86_400_000).accepted
    sizes = []
    for minute in range(1, MINUTES + 1):
        buffer = io.BytesIO()
        pq.write_table(frame_to_arrow(candles.iloc[:minute]), buffer, compression="snappy")
        sizes.append(buffer.getbuffer().nbytes)
    return sizes


def main() -> None:
    sizes = file_sizes()
    day_all_versions, day_current = sum(sizes), sizes[-1]
    noncurrent_per_day = MINUTES - 1
    before_versions = ASSETS * DAYS * noncurrent_per_day
    before_bytes = ASSETS * DAYS * day_all_versions
    after_versions = ASSETS * NONCURRENT_LIFETIME_DAYS * noncurrent_per_day
    after_bytes = ASSETS * (DAYS * day_current + NONCURRENT_LIFETIME_DAYS * (day_all_versions - day_current))
    print(f"day file: {day_current / 1e3:.1f} kB complete; its {MINUTES} versions: {day_all_versions / 1e6:.1f} MB")
    print(f"{'':34}{'before':>16}{'after':>16}")
    print(f"{'noncurrent versions after a year':34}{before_versions:>16,}{after_versions:>16,}")
    print(f"{'stored after a year (GB)':34}{before_bytes / GB:>16.2f}{after_bytes / GB:>16.3f}")
    # Storage grows linearly over the year: the year's bill is about half the last month's, twelve times.
    for label, stored in (("before", before_bytes), ("after", after_bytes)):
        monthly = stored / GB * PRICE_PER_GB_MONTH
        print(f"{label}: ${monthly:.2f} per month at the year's end, about ${monthly * 12 / 2:.2f} over the year")


if __name__ == "__main__":
    main()
