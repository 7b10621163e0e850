"""Binance's kline intervals as buckets: which bucket a time falls in and where each bucket starts.

Every bucket is addressed by an integer index so a request's range is plain integer arithmetic.
Fixed-width intervals count from the Unix epoch (1d buckets open at 00:00 UTC, 3d buckets at
multiples of three days since 1970-01-01, as Binance aligns them); weeks open on Monday 00:00 UTC
and months on the first day of the month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
# 1970-01-01 was a Thursday; the first Monday is four days later.
_MONDAY_OFFSET_MS = 4 * DAY_MS

_FIXED_MINUTES = {
    "1m": 1,
    "3m": 3,
    "5m": 5,
    "15m": 15,
    "30m": 30,
    "1h": 60,
    "2h": 120,
    "4h": 240,
    "6h": 360,
    "8h": 480,
    "12h": 720,
    "1d": 1440,
    "3d": 4320,
    "1w": 10080,
}
INTERVALS = (*_FIXED_MINUTES, "1M")


@dataclass(frozen=True)
class Interval:
    """One kline interval; ``minutes`` is 0 for the calendar month."""

    name: str
    minutes: int

    @property
    def monthly(self) -> bool:
        return self.minutes == 0

    @property
    def sub_hourly(self) -> bool:
        return 0 < self.minutes < 60

    @property
    def _offset_ms(self) -> int:
        return _MONDAY_OFFSET_MS if self.name == "1w" else 0

    def index_of(self, ms: int) -> int:
        """Index of the bucket that contains ``ms``."""
        if self.monthly:
            moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
            return moment.year * 12 + moment.month - 1
        width = self.minutes * MINUTE_MS
        return (ms - self._offset_ms) // width

    def start_of(self, index: int) -> int:
        """Open time (ms) of bucket ``index``."""
        if self.monthly:
            year, month0 = divmod(index, 12)
            return calendar.timegm((year, month0 + 1, 1, 0, 0, 0)) * 1000
        return index * self.minutes * MINUTE_MS + self._offset_ms

    def first_index_at_or_after(self, ms: int) -> int:
        index = self.index_of(ms)
        return index if self.start_of(index) >= ms else index + 1


def parse_interval(name: str) -> Interval | None:
    if name == "1M":
        return Interval(name, 0)
    minutes = _FIXED_MINUTES.get(name)
    return None if minutes is None else Interval(name, minutes)
