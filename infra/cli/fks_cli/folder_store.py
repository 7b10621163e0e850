"""Candle history in a local folder, in the collector's Parquet layout, for the ``fks`` commands.

``<folder>/candles/exchange=<id>/symbol=<BASE-QUOTE>/timeframe=<tf>/date=<YYYY-MM-DD>/candles.parquet``:
the partitions of the stack's bucket (``fks_adapters.market_data.s3_store``), each day as one
whole-day file under the name the bucket's store reads as a whole day
(``fks_adapters.market_data.s3_day_files.LEGACY_NAME``), so a folder filled by ``fks data download``
can be copied into a bucket as is (``aws s3 sync``). A folder has one writer, so the day is simply
merged with what is stored and replaced atomically (write a temporary file, then rename): a download
interrupted mid-day leaves the old day or the new one, and a re-run stores nothing twice (candles
are keyed by open time).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from fks.market_data import CANDLE_COLUMNS, empty_candle_frame, frame_from_arrow, frame_to_arrow
from fks.market_data.storage import SeriesKey, dates_in_range, partition_date
from fks.market_data.timeframes import DAY_MS

PREFIX = "candles"
FILE_NAME = "candles.parquet"


class FolderCandleStore:
    """``fks.market_data.storage.CandleStore`` over a local folder."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def series_folder(self, key: SeriesKey) -> Path:
        return (
            self.folder
            / PREFIX
            / f"exchange={key.exchange}"
            / f"symbol={key.partition_symbol}"
            / f"timeframe={key.timeframe.value}"
        )

    def day_file(self, key: SeriesKey, date: str) -> Path:
        return self.series_folder(key) / f"date={date}" / FILE_NAME

    def write(self, key: SeriesKey, frame: pd.DataFrame) -> int:
        if frame.empty:
            return 0
        added = 0
        days = frame["open_time"].to_numpy() // DAY_MS
        for day in np.unique(days):
            date = partition_date(int(day) * DAY_MS)
            stored = self._read_day(key, date)
            both = pd.concat([stored, frame.loc[days == day]], ignore_index=True)
            merged = both.drop_duplicates("open_time", keep="last").sort_values("open_time", kind="stable")
            added += len(merged) - len(stored)
            self._replace_day(key, date, merged.reset_index(drop=True))
        return added

    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame:
        days = [self._read_day(key, date) for date in dates_in_range(start_ms, end_ms)]
        days = [day for day in days if not day.empty]
        if not days:
            return empty_candle_frame()
        frame = pd.concat(days, ignore_index=True)
        times = frame["open_time"].to_numpy()
        return frame.loc[(times >= start_ms) & (times < end_ms)].reset_index(drop=True)

    def latest_open_time(self, key: SeriesKey) -> int | None:
        for date in reversed(self.stored_dates(key)):
            stored = self._read_day(key, date)
            if not stored.empty:
                return int(stored["open_time"].max())
        return None

    def delete_range(self, key: SeriesKey, start_ms: int, end_ms: int) -> int:
        removed = 0
        for date in dates_in_range(start_ms, end_ms):
            stored = self._read_day(key, date)
            times = stored["open_time"].to_numpy()
            keep = (times < start_ms) | (times >= end_ms)
            removed += int((~keep).sum())
            if not keep.all():
                self._replace_day(key, date, stored.loc[keep].reset_index(drop=True))
        return removed

    def stored_dates(self, key: SeriesKey) -> list[str]:
        folder = self.series_folder(key)
        if not folder.is_dir():
            return []
        return sorted(
            path.name.removeprefix("date=")
            for path in folder.iterdir()
            if path.name.startswith("date=") and (path / FILE_NAME).is_file()
        )

    def _read_day(self, key: SeriesKey, date: str) -> pd.DataFrame:
        path = self.day_file(key, date)
        if not path.is_file():
            return empty_candle_frame()
        return frame_from_arrow(pq.read_table(path).select(list(CANDLE_COLUMNS)))

    def _replace_day(self, key: SeriesKey, date: str, frame: pd.DataFrame) -> None:
        path = self.day_file(key, date)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        try:
            pq.write_table(frame_to_arrow(frame), temporary, compression="snappy")  # as the collector writes
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
