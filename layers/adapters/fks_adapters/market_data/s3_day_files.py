"""The files of one date partition of the candle store, each written once and never overwritten.

A file's name says when it was written and which candles it holds:
``<seq>-<first open time>-<last open time>-<digest>.parquet`` (zero-padded milliseconds, so names
sort by ``seq``). ``seq`` orders the files of a day: read in that order, a later file's candle
replaces an earlier one with the same open time (a revised candle). A compacted file takes the
``seq`` of the newest file it folded, so files written after it still come after it. The range in
the name lets a writer read only the files its candles overlap (none at the live edge) and tells
the newest stored candle from a listing alone. ``candles.parquet`` is the whole-day file the store
wrote before parts existed: it sorts first and is taken to span its whole day.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from fks.market_data.timeframes import DAY_MS

LEGACY_NAME = "candles.parquet"
_NAME = re.compile(r"^(\d{13})-(\d{13})-(\d{13})-([0-9a-f]{12})\.parquet$")


@dataclass(frozen=True, order=True)
class DayFile:
    seq: int
    name: str
    first: int  # open time of its first candle
    last: int  # open time of its last candle
    size: int = 0

    def overlaps(self, first: int, last: int) -> bool:
        return self.first <= last and self.last >= first


def file_name(seq: int, first: int, last: int, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()[:12]
    return f"{seq:013d}-{first:013d}-{last:013d}-{digest}.parquet"


def parse(name: str, day_start_ms: int, size: int = 0) -> DayFile | None:
    """The file a listed object name is, or None for an object that is no candle file."""
    if name == LEGACY_NAME:
        return DayFile(0, name, day_start_ms, day_start_ms + DAY_MS - 1, size)
    match = _NAME.match(name)
    if match is None:
        return None
    seq, first, last, _ = match.groups()
    return DayFile(int(seq), name, int(first), int(last), size)
