"""Which part of an asset's history the gap scan checks, and when an unrepaired gap turns health red.

The scan looks at ``SCAN_WINDOW_DAYS`` (7) of each enabled asset's candles, from no earlier than
what enabling it asked for (``history_days`` before it was enabled), up to the last candle that
closed ``GRACE_CANDLES`` candles ago, so the candle collection is about to store is not a hole.
Seven days of 1m candles is 10,080 open times: one read of seven daily Parquet files per asset.
A hole older than that is outside the scan; ``backfill`` with an explicit range repairs it.

A gap is overdue once its first missing candle closed more than ``max_age_min`` minutes ago
(``DEFAULT_MAX_AGE_MIN``, 15): by then collection and a scan have had their chance to repair it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fks.market_data.gaps import Gap
from fks.market_data.timeframes import DAY_MS, MINUTE_MS, Timeframe, ceil_time, floor_time

SCAN_WINDOW_DAYS = 7
GRACE_CANDLES = 2
DEFAULT_MAX_AGE_MIN = 15


def scan_window(timeframe: Timeframe, *, now_ms: int, enabled_ms: int, history_days: int) -> tuple[int, int]:
    """``[start_ms, end_ms)`` of open times the scan expects to be stored (may be empty)."""
    wanted_from = enabled_ms - history_days * DAY_MS
    start = ceil_time(max(now_ms - SCAN_WINDOW_DAYS * DAY_MS, wanted_from), timeframe)
    end = floor_time(now_ms, timeframe) - GRACE_CANDLES * timeframe.ms
    return start, max(start, end)


@dataclass(frozen=True)
class GapState:
    """What the last scan of one series left unrepaired."""

    series: str  # exchange:symbol:timeframe
    timeframe: Timeframe
    missing: int
    gaps: int
    oldest_gap_ms: int | None  # open time of the oldest missing candle
    scanned_ms: int

    @classmethod
    def of(cls, series: str, timeframe: Timeframe, gaps: list[Gap], scanned_ms: int) -> GapState:
        return cls(
            series,
            timeframe,
            sum(gap.missing_count for gap in gaps),
            len(gaps),
            gaps[0].start_ms if gaps else None,
            scanned_ms,
        )

    def overdue_minutes(self, now_ms: int, max_age_min: int = DEFAULT_MAX_AGE_MIN) -> int | None:
        """Minutes since the oldest missing candle closed, when that is over ``max_age_min``; else None."""
        if self.oldest_gap_ms is None:
            return None
        age_min = (now_ms - (self.oldest_gap_ms + self.timeframe.ms)) // MINUTE_MS
        return int(age_min) if age_min > max_age_min else None
