"""Candle history as a Parquet dataset on S3: per date partition, small files written once.

Layout: ``s3://<bucket>/candles/exchange=<id>/symbol=<BASE-QUOTE>/timeframe=<tf>/date=<YYYY-MM-DD>/``
holding the day's files (``fks_adapters.market_data.s3_day_files`` names them; see
``fks.market_data.storage`` for the symbol spelling). Hive-partitioned as before, so Athena and
Glue can still crawl it.

Why append-only parts and compaction, not one day file rewritten on every write:
- a versioned bucket keeps every overwritten version: rewriting the day each minute left 1,440
  versions a day per asset (``benchmarks/data_bucket_versions.py`` prints what that costs); a
  part is written once and only deleted when folded, so nothing is overwritten;
- idempotent: a writer reads the stored files its candles overlap (by the range in their names:
  none at the live edge) and writes only candles that are new or revised, so writing the same
  candles twice stores them once; a revised candle lands in a newer part, which wins on read;
- crash-safe and race-free without a lock: each write is one ``PutObject`` of a new name, so two
  writers of the same day (collection and backfill at the live edge) each add their part and
  neither can lose the other's candles;
- reads merge a day's files in write order; compaction keeps that to a few files: a finished day
  is folded into one file by whoever writes to it after midnight, and the compaction schedule
  (``functions/compact_candles``) folds today's parts every 15 minutes. Folding writes the merged
  file first, then deletes exactly the files it read (a part written meanwhile stays), so a
  reader never misses a candle and a repeated compaction changes nothing.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from botocore.exceptions import ClientError

from fks.errors import TemporaryError
from fks.market_data import CANDLE_COLUMNS, PRICE_COLUMNS, empty_candle_frame, frame_from_arrow, frame_to_arrow
from fks.market_data.storage import SeriesKey, dates_in_range, day_start_ms, partition_date
from fks.market_data.timeframes import DAY_MS
from fks_adapters.aws.lazy import aws_client
from fks_adapters.market_data.s3_day_files import LEGACY_NAME, DayFile, file_name, parse

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PREFIX = "candles"
MAX_WRITE_RACES = 5
READ_THREADS = 16
LISTING_REUSE_S = 10.0
FILE_CACHE_ROWS = 500_000  # about a year of one series' 1m candles: some 45 MB of a warm function
_MISSING = ("NoSuchKey", "404")
_EXISTS = ("PreconditionFailed", "412", "ConditionalRequestConflict", "409")


class _FileGone(Exception):
    """A listed file was deleted by a compaction before it could be read: list again."""


class S3CandleStore:
    def __init__(
        self,
        bucket: str,
        s3: S3Client | None = None,
        *,
        prefix: str = PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._s3 = s3 or aws_client("s3")
        self._clock = clock
        # The listing of a day latest_open_time just made, which the write that follows it at
        # once (a collection run) reuses instead of listing again: a part written meanwhile by
        # another writer is at worst stored twice with the same values, and a file a compaction
        # deleted meanwhile makes the write list again.
        self._listed_day: tuple[SeriesKey, str, float, list[DayFile]] | None = None

    # ------------------------------------------------------------------ paths
    def series_prefix(self, key: SeriesKey) -> str:
        return f"{self.prefix}/exchange={key.exchange}/symbol={key.partition_symbol}/timeframe={key.timeframe.value}/"

    def day_prefix(self, key: SeriesKey, date: str) -> str:
        return f"{self.series_prefix(key)}date={date}/"

    def object_key(self, key: SeriesKey, date: str) -> str:
        """The whole-day file of the layout before parts (still read, never written)."""
        return f"{self.day_prefix(key, date)}{LEGACY_NAME}"

    # ------------------------------------------------------------------ writes
    def write(self, key: SeriesKey, frame: pd.DataFrame) -> int:
        if frame.empty:
            return 0
        new_total = 0
        days = frame["open_time"].to_numpy() // DAY_MS  # UTC days since the epoch, vectorised
        for day in np.unique(days):
            new_total += self._append_day(key, partition_date(int(day) * DAY_MS), frame.loc[days == day])
        return new_total

    def _append_day(self, key: SeriesKey, date: str, incoming: pd.DataFrame) -> int:
        """Add the day's new or revised candles as one new part; how many open times were new."""
        incoming = _merge([incoming])  # one row per open time, the last given winning
        first, last = int(incoming["open_time"].iloc[0]), int(incoming["open_time"].iloc[-1])
        for _ in range(MAX_WRITE_RACES):
            files = self._just_listed(key, date) or self.day_files(key, date)
            try:
                stored = self._read_files(key, date, [f for f in files if f.overlaps(first, last)])
            except _FileGone:
                continue  # a compaction folded what was listed: its result is listed next time
            fresh, added = _changed_rows(stored, incoming)
            if fresh.empty:
                return 0  # nothing new, nothing revised: nothing written
            self._put_file(key, date, fresh, _next_seq(files, self._now_ms()))
            if date < partition_date(self._now_ms()):
                self.compact_day(key, date)  # a finished day written again (backfill, a late minute)
            return added
        raise TemporaryError(f"{key} {date}: compacted under {MAX_WRITE_RACES} writes in a row; retry later")

    def compact_day(self, key: SeriesKey, date: str) -> bool:
        """Fold the day's files into one (idempotent); True if it folded anything."""
        files = self.day_files(key, date)
        if len(files) <= 1:
            return False
        try:
            merged = self._read_files(key, date, files)
        except _FileGone:
            return False  # another compaction is folding the same files
        # The same files fold into the same name: a compaction repeated after a crash finds its
        # result among the files, writes nothing new and must not delete it.
        written = self._put_file(key, date, merged, max(f.seq for f in files)) if not merged.empty else ""
        self._delete(key, date, [f for f in files if f.name != written])
        return True

    def delete_range(self, key: SeriesKey, start_ms: int, end_ms: int) -> int:
        removed = 0
        for date in dates_in_range(start_ms, end_ms):
            files = self.day_files(key, date)
            try:
                stored = self._read_files(key, date, files)
            except _FileGone:
                stored = self._read_files(key, date, files := self.day_files(key, date))
            times = stored["open_time"].to_numpy()
            keep = (times < start_ms) | (times >= end_ms)
            if keep.all():
                continue
            removed += int((~keep).sum())
            written = ""
            if keep.any():
                kept = stored.loc[keep].reset_index(drop=True)
                written = self._put_file(key, date, kept, _next_seq(files, self._now_ms()))
            self._delete(key, date, [f for f in files if f.name != written])
        return removed

    # ------------------------------------------------------------------ reads
    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame:
        """Candles in ``[start_ms, end_ms)``; only the date partitions of the range are read."""
        wanted = dates_in_range(start_ms, end_ms)
        if not wanted:
            return empty_candle_frame()
        for _ in range(MAX_WRITE_RACES):
            listed = self._files_of_dates(key, wanted)
            jobs = [(date, f) for date in wanted for f in listed.get(date, []) if f.overlaps(start_ms, end_ms - 1)]
            try:
                frame = _merge(self._fetch(key, jobs))
            except _FileGone:
                continue
            times = frame["open_time"].to_numpy()
            return frame.loc[(times >= start_ms) & (times < end_ms)].reset_index(drop=True)
        raise TemporaryError(f"{key}: compacted under {MAX_WRITE_RACES} reads in a row; retry later")

    def latest_open_time(self, key: SeriesKey) -> int | None:
        # At the live edge the newest candle is today's and one listing of today answers (the
        # names carry the ranges); only a series not collected today needs its dates listed.
        today = partition_date(self._now_ms())
        files = self.day_files(key, today)
        if files and all(f.name != LEGACY_NAME for f in files):
            self._listed_day = (key, today, time.monotonic(), files)
            return max(f.last for f in files)
        for date in reversed(self.stored_dates(key)):  # a day emptied by delete_range has no file
            files = self.day_files(key, date)
            if any(f.name == LEGACY_NAME for f in files):
                stored = self._read_day(key, date)
                if not stored.empty:
                    return int(stored["open_time"].max())
            elif files:
                return max(f.last for f in files)
        return None

    def last_write_time(self, key: SeriesKey) -> datetime | None:
        """When the newest day of the series was last written (collection adds a part on every
        pass), or None if nothing is stored: a cheap liveness signal from one listing."""
        dates = self.stored_dates(key)
        if not dates:
            return None
        listing = self._s3.list_objects_v2(Bucket=self.bucket, Prefix=self.day_prefix(key, dates[-1]))
        times = [entry["LastModified"] for entry in listing.get("Contents", []) if "LastModified" in entry]
        return max(times) if times else None

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

    def day_files(self, key: SeriesKey, date: str) -> list[DayFile]:
        """The day's candle files in write order."""
        return self._files_of_dates(key, [date]).get(date, [])

    # ------------------------------------------------------------------ one day
    def _read_day(self, key: SeriesKey, date: str) -> pd.DataFrame:
        """The day as readers see it: its files merged in write order."""
        for _ in range(MAX_WRITE_RACES):
            try:
                return self._read_files(key, date, self.day_files(key, date))
            except _FileGone:
                continue
        raise TemporaryError(f"{key} {date}: compacted under {MAX_WRITE_RACES} reads in a row; retry later")

    def _read_files(self, key: SeriesKey, date: str, files: Iterable[DayFile]) -> pd.DataFrame:
        return _merge(self._fetch(key, [(date, f) for f in files]))

    def _fetch(self, key: SeriesKey, jobs: list[tuple[str, DayFile]]) -> list[pd.DataFrame]:
        """The files' candles, in the order given (date, then write order)."""

        def one(job: tuple[str, DayFile]) -> pd.DataFrame:
            date, day_file = job
            object_key = self.day_prefix(key, date) + day_file.name
            cached = _FILES.get(self.bucket, object_key)
            if cached is not None:
                return cached
            try:
                body = self._s3.get_object(Bucket=self.bucket, Key=object_key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in _MISSING:
                    raise _FileGone(day_file.name) from error
                raise
            frame = frame_from_arrow(pq.read_table(io.BytesIO(body["Body"].read())).select(list(CANDLE_COLUMNS)))
            if day_file.name != LEGACY_NAME:
                _FILES.put(self.bucket, object_key, frame)
            return frame

        if len(jobs) <= 1:
            return [one(job) for job in jobs]
        with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(jobs))) as pool:
            return list(pool.map(one, jobs))

    def _files_of_dates(self, key: SeriesKey, dates: list[str]) -> dict[str, list[DayFile]]:
        """Each date's files in write order, from one listing of the series that starts at the
        first date and stops after the last (a read of recent days is one request)."""
        if len(dates) == 1:
            pages = self._s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.day_prefix(key, dates[0])
            )
        else:
            pages = self._s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.series_prefix(key), StartAfter=self.day_prefix(key, min(dates))[:-1]
            )
        wanted, last = set(dates), max(dates)
        found: dict[str, list[DayFile]] = {}
        for page in pages:
            for entry in page.get("Contents", []):
                parsed = self._listed(key, entry)
                if parsed is None:
                    continue
                if parsed[0] > last:
                    return {date: sorted(files) for date, files in found.items()}
                if parsed[0] in wanted:
                    found.setdefault(parsed[0], []).append(parsed[1])
        return {date: sorted(files) for date, files in found.items()}

    def _listed(self, key: SeriesKey, entry: Any) -> tuple[str, DayFile] | None:
        relative = str(entry.get("Key", ""))[len(self.series_prefix(key)) :]
        folder, _, name = relative.partition("/")
        if not folder.startswith("date=") or "/" in name:
            return None
        date = folder.removeprefix("date=")
        parsed = parse(name, day_start_ms(date), int(entry.get("Size", 0)))
        return (date, parsed) if parsed is not None else None

    def _put_file(self, key: SeriesKey, date: str, frame: pd.DataFrame, seq: int) -> str:
        """Write candles as a new file of the day; a file of the same name (the same candles from
        the same files) already there is left as it is."""
        buffer = io.BytesIO()
        # Snappy: the AWS SDK for pandas layer's pyarrow is built without zstd.
        pq.write_table(frame_to_arrow(frame), buffer, compression="snappy")
        body = buffer.getvalue()
        times = frame["open_time"].to_numpy()
        name = file_name(seq, int(times.min()), int(times.max()), body)
        try:
            self._s3.put_object(Bucket=self.bucket, Key=self.day_prefix(key, date) + name, Body=body, IfNoneMatch="*")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in _EXISTS:
                raise
        return name

    def _delete(self, key: SeriesKey, date: str, files: list[DayFile]) -> None:
        objects: list[Any] = [{"Key": self.day_prefix(key, date) + f.name} for f in files]
        for start in range(0, len(objects), 1000):
            self._s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": objects[start : start + 1000], "Quiet": True}
            )

    def _just_listed(self, key: SeriesKey, date: str) -> list[DayFile] | None:
        """The day's listing if latest_open_time made it moments ago (used once)."""
        listed, self._listed_day = self._listed_day, None
        if listed is None or listed[:2] != (key, date) or time.monotonic() - listed[2] > LISTING_REUSE_S:
            return None
        return listed[3]

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)


class _FileCache:
    """Candle files already read by this process, by object key. A file is written once and never
    changed (its name carries a digest of its bytes), so what was read stays true: a warm function
    reading today every minute fetches only the parts written since its last read. Least recently
    used files go first once ``max_rows`` candles are held."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._frames: OrderedDict[tuple[str, str], pd.DataFrame] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()

    def get(self, bucket: str, object_key: str) -> pd.DataFrame | None:
        with self._lock:
            frame = self._frames.get((bucket, object_key))
            if frame is not None:
                self._frames.move_to_end((bucket, object_key))
            return frame

    def put(self, bucket: str, object_key: str, frame: pd.DataFrame) -> None:
        with self._lock:
            if (bucket, object_key) in self._frames or len(frame) > self.max_rows:
                return
            self._frames[(bucket, object_key)] = frame
            self._rows += len(frame)
            while self._rows > self.max_rows:
                _, dropped = self._frames.popitem(last=False)
                self._rows -= len(dropped)


_FILES = _FileCache(max_rows=FILE_CACHE_ROWS)


def _next_seq(files: list[DayFile], now_ms: int) -> int:
    """After every listed file, even one written by a writer whose clock is ahead."""
    return max([now_ms, *(f.seq + 1 for f in files)])


def _merge(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per open time, a later frame's row winning (frames in write order)."""
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return empty_candle_frame()
    both = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    merged = both.drop_duplicates("open_time", keep="last").sort_values("open_time", kind="stable")
    return merged.reset_index(drop=True)


def _changed_rows(stored: pd.DataFrame, incoming: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Incoming rows that are new or differ from the stored row of their open time, and how many
    open times were not stored at all."""
    if stored.empty:
        return incoming, len(incoming)
    known = stored.set_index("open_time")
    times = incoming["open_time"].to_numpy()
    is_new = ~np.isin(times, known.index.to_numpy())
    revised = np.zeros(len(incoming), dtype=bool)
    old = ~is_new
    if old.any():
        before = known.loc[times[old], list(PRICE_COLUMNS)].reset_index(drop=True)
        after = incoming.loc[old, list(PRICE_COLUMNS)].reset_index(drop=True)
        revised[old] = ~_same_prices(before, after)
    changed = is_new | revised
    return incoming.loc[changed].reset_index(drop=True), int(is_new.sum())


def _same_prices(left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Row by row: every price column equal (exact decimals, compared as Arrow values)."""
    same = np.ones(len(left), dtype=bool)
    for name in PRICE_COLUMNS:
        same &= np.array([a == b for a, b in zip(left[name].tolist(), right[name].tolist(), strict=True)])
    return same
