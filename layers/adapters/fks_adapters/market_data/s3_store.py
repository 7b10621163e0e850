"""Candle history as a Parquet dataset on S3, one deterministic file per date partition.

Layout: ``s3://<bucket>/candles/exchange=<id>/symbol=<BASE-QUOTE>/timeframe=<tf>/date=<YYYY-MM-DD>/
candles.parquet`` (see ``fks.market_data.storage`` for the symbol spelling). awswrangler reads it
as a Hive-partitioned dataset with partition filters; Athena and Glue can crawl it as is.

Why one file per partition, rewritten whole after merging with what is stored:
- idempotent: writing the same candles twice leaves one copy, because the merge keys on
  ``open_time`` (the newer value wins, as a revised candle should);
- crash-safe: the only write is one ``PutObject`` of the complete day, which S3 applies
  atomically, so a collector killed mid-batch leaves the old day or the new one, never a partial
  or duplicated partition (``mode="overwrite_partitions"`` deletes before it writes, and an
  append of new files duplicates on retry: both fail one of these);
- a day of 1m candles is 1,440 rows (about 60 KB), so rewriting it is cheaper than compacting.
Two writers merging the same day (collection and backfill at the live edge) are serialised by
a conditional PUT on the day's ETag; the loser reads and merges again.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from botocore.exceptions import ClientError

from fks.errors import TemporaryError
from fks.market_data import CANDLE_COLUMNS, empty_candle_frame, frame_from_arrow, frame_to_arrow
from fks.market_data.storage import SeriesKey, dates_in_range, partition_date
from fks.market_data.timeframes import DAY_MS
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PREFIX = "candles"
FILE_NAME = "candles.parquet"
MAX_WRITE_RACES = 5
# S3 answers a conditional PUT that lost with 412, or 409 while another conditional PUT is in flight.
_LOST_RACE = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")


class S3CandleStore:
    def __init__(self, bucket: str, s3: S3Client | None = None, *, prefix: str = PREFIX) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._s3 = s3 or aws_client("s3")

    # ------------------------------------------------------------------ paths
    def series_prefix(self, key: SeriesKey) -> str:
        return f"{self.prefix}/exchange={key.exchange}/symbol={key.partition_symbol}/timeframe={key.timeframe.value}/"

    def object_key(self, key: SeriesKey, date: str) -> str:
        return f"{self.series_prefix(key)}date={date}/{FILE_NAME}"

    # ------------------------------------------------------------------ writes
    def write(self, key: SeriesKey, frame: pd.DataFrame) -> int:
        if frame.empty:
            return 0
        new_total = 0
        days = frame["open_time"].to_numpy() // DAY_MS  # UTC days since the epoch, vectorised
        for day in np.unique(days):
            new_total += self._merge_day(key, partition_date(int(day) * DAY_MS), frame.loc[days == day])
        return new_total

    def _merge_day(self, key: SeriesKey, date: str, day: pd.DataFrame) -> int:
        """Merge ``day`` into the stored day with an optimistic lock on the object's ETag.

        The PUT is conditional on the day being unchanged since it was read (``If-Match``, or
        ``If-None-Match: *`` for a new day), so a collector and a backfill merging the same day at
        once cannot overwrite each other's candles: the loser reads again and merges again.
        """
        for _ in range(MAX_WRITE_RACES):
            stored, etag = self._read_day_versioned(key, date)
            merged = _merge(stored, day)
            added = len(merged) - len(stored)
            if added == 0 and _same(stored, merged):
                return 0  # nothing new, nothing revised: skip the PUT
            try:
                self._put_day(key, date, merged, etag=etag)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in _LOST_RACE:
                    raise
                continue
            return added
        raise TemporaryError(f"{key} {date}: lost {MAX_WRITE_RACES} write races in a row; retry later")

    def delete_range(self, key: SeriesKey, start_ms: int, end_ms: int) -> int:
        removed = 0
        for date in dates_in_range(start_ms, end_ms):
            stored = self._read_day(key, date)
            times = stored["open_time"].to_numpy()
            keep = (times < start_ms) | (times >= end_ms)
            if keep.all():
                continue
            removed += int((~keep).sum())
            if keep.any():
                self._put_day(key, date, stored.loc[keep].reset_index(drop=True))
            else:
                self._s3.delete_object(Bucket=self.bucket, Key=self.object_key(key, date))
        return removed

    # ------------------------------------------------------------------ reads
    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame:
        """Candles in ``[start_ms, end_ms)``; only the date partitions of the range are read."""
        import awswrangler as wr  # heavy: imported only by the functions that read ranges

        wanted = set(dates_in_range(start_ms, end_ms))
        if not wanted:
            return empty_candle_frame()
        try:
            table = wr.s3.read_parquet(
                path=f"s3://{self.bucket}/{self.series_prefix(key)}",
                dataset=True,
                partition_filter=lambda partition: partition["date"] in wanted,
                columns=list(CANDLE_COLUMNS),
                dtype_backend="pyarrow",
                path_suffix=".parquet",
            )
        except wr.exceptions.NoFilesFound:
            return empty_candle_frame()
        frame = _candle_frame(pa.Table.from_pandas(table[list(CANDLE_COLUMNS)], preserve_index=False))
        times = frame["open_time"].to_numpy()
        selected = frame.loc[(times >= start_ms) & (times < end_ms)]
        return selected.sort_values("open_time", kind="stable").reset_index(drop=True)

    def latest_open_time(self, key: SeriesKey) -> int | None:
        dates = self.stored_dates(key)
        for date in reversed(dates):  # a day emptied by delete_range has no file, so the first hit is it
            stored = self._read_day(key, date)
            if not stored.empty:
                return int(stored["open_time"].max())
        return None

    def last_write_time(self, key: SeriesKey) -> datetime | None:
        """When the newest day of the series was last written (the collector rewrites today's file
        on every pass), or None if nothing is stored: a cheap liveness signal, no Parquet read."""
        dates = self.stored_dates(key)
        if not dates:
            return None
        modified: datetime = self._s3.head_object(Bucket=self.bucket, Key=self.object_key(key, dates[-1]))[
            "LastModified"
        ]
        return modified

    def stored_dates(self, key: SeriesKey) -> list[str]:
        """Date partitions that hold a file, oldest first."""
        prefix = self.series_prefix(key)
        dates: list[str] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix, Delimiter="/"
        ):
            for common in page.get("CommonPrefixes", []):
                segment = common.get("Prefix", "")[len(prefix) :].strip("/")
                if segment.startswith("date="):
                    dates.append(segment.removeprefix("date="))
        return sorted(dates)

    # ------------------------------------------------------------------ one day
    def _read_day(self, key: SeriesKey, date: str) -> pd.DataFrame:
        return self._read_day_versioned(key, date)[0]

    def _read_day_versioned(self, key: SeriesKey, date: str) -> tuple[pd.DataFrame, str | None]:
        """The stored day and its ETag (None: no such day yet)."""
        try:
            response = self._s3.get_object(Bucket=self.bucket, Key=self.object_key(key, date))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return empty_candle_frame(), None
            raise
        return _candle_frame(pq.read_table(io.BytesIO(response["Body"].read()))), response["ETag"]

    def _put_day(self, key: SeriesKey, date: str, frame: pd.DataFrame, *, etag: str | bool | None = False) -> None:
        """Write one day; ``etag`` a string: only over that version, None: only if absent, False: always."""
        buffer = io.BytesIO()
        # Snappy: the AWS SDK for pandas layer's pyarrow is built without zstd (reads of older
        # zstd days still work wherever pyarrow has it).
        pq.write_table(frame_to_arrow(frame), buffer, compression="snappy")
        object_key = self.object_key(key, date)
        if isinstance(etag, str):
            self._s3.put_object(Bucket=self.bucket, Key=object_key, Body=buffer.getvalue(), IfMatch=etag)
        elif etag is None:
            self._s3.put_object(Bucket=self.bucket, Key=object_key, Body=buffer.getvalue(), IfNoneMatch="*")
        else:
            self._s3.put_object(Bucket=self.bucket, Key=object_key, Body=buffer.getvalue())


def _candle_frame(table: pa.Table) -> pd.DataFrame:
    return frame_from_arrow(table.select(list(CANDLE_COLUMNS)))


def _merge(stored: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """Stored and incoming candles, one row per open_time, the incoming value winning."""
    if stored.empty:
        return incoming.sort_values("open_time", kind="stable").reset_index(drop=True)
    both = pd.concat([stored, incoming], ignore_index=True)
    merged = both.drop_duplicates("open_time", keep="last").sort_values("open_time", kind="stable")
    return merged.reset_index(drop=True)


def _same(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    return bool(frame_to_arrow(left).equals(frame_to_arrow(right)))
