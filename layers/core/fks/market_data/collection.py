"""Collection and gap repair of one candle series, over a source and a store given by the caller.

The collector fetches closed candles since the newest stored one, validates them, stores what is
good and reports holes for ``backfill``. Holes are only *interior* ones (missing candles followed
by a received candle): a missing tail is usually a candle the exchange has not published yet, and
the next run fetches it anyway because the cursor is the newest *stored* candle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from fks.market_data.candles import empty_candle_frame, raw_frame_from_ccxt
from fks.market_data.gaps import Gap, find_gaps
from fks.market_data.storage import CandleStore, SeriesKey
from fks.market_data.timeframes import DAY_MS, Timeframe, floor_time
from fks.market_data.validation import validate_candles

# With nothing stored yet, the collector takes this many recent candles; deeper history is the
# job of the backfill that enabling an asset starts.
FIRST_WINDOW_CANDLES = 60
# One run fetches at most this many candles (one Binance page); older missing candles become a
# hole for backfill, so a collector that was down for days catches up without timing out.
MAX_CANDLES_PER_RUN = 1000


class CandleSource(Protocol):
    def fetch_closed(self, symbol: str, timeframe: Timeframe, since_ms: int, until_ms: int) -> list[list[Any]]: ...


@dataclass
class CollectionReport:
    key: SeriesKey
    fetched: int = 0
    accepted: int = 0
    stored_new: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    holes: list[Gap] = field(default_factory=list)
    frame: pd.DataFrame = field(default_factory=empty_candle_frame)


@dataclass
class BackfillReport:
    key: SeriesKey
    start_ms: int
    end_ms: int
    gaps_found: int = 0
    missing: int = 0
    repaired: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def still_missing(self) -> int:
        return self.missing - self.repaired


def collect_series(
    key: SeriesKey,
    source: CandleSource,
    store: CandleStore,
    *,
    now_ms: int,
    max_candles: int = MAX_CANDLES_PER_RUN,
    first_window: int = FIRST_WINDOW_CANDLES,
) -> CollectionReport:
    tf = key.timeframe
    report = CollectionReport(key)
    until = floor_time(now_ms, tf)  # open time of the candle still forming: excluded
    latest = store.latest_open_time(key)
    since = latest + tf.ms if latest is not None else until - first_window * tf.ms
    if until - since > max_candles * tf.ms:
        window_start = until - max_candles * tf.ms
        report.holes.append(Gap(since, window_start, (window_start - since) // tf.ms))
        since = window_start
    if since >= until:
        return report
    rows = source.fetch_closed(key.symbol, tf, since, until)
    result = validate_candles(raw_frame_from_ccxt(rows), timeframe=tf, now_ms=now_ms)
    report.fetched = result.received
    report.accepted = result.accepted_count
    report.rejected = result.rejected_count
    report.reasons = result.reason_counts()
    report.stored_new = store.write(key, result.accepted)
    report.frame = result.accepted
    times = result.accepted["open_time"].to_numpy()
    if len(times):
        last = int(times[-1])
        gaps = find_gaps(times, timeframe=tf, start_ms=since, end_ms=until)
        report.holes.extend(gap for gap in gaps if gap.end_ms <= last)
    return report


def backfill_series(
    key: SeriesKey,
    source: CandleSource,
    store: CandleStore,
    *,
    start_ms: int,
    end_ms: int,
    now_ms: int,
) -> BackfillReport:
    """Find the gaps in ``[start_ms, end_ms)`` (closed candles only) and fetch them again."""
    tf = key.timeframe
    end = min(end_ms, floor_time(now_ms, tf))
    report = BackfillReport(key, start_ms, end)
    if end <= start_ms:
        return report
    stored = store.read(key, start_ms, end)
    gaps = find_gaps(stored["open_time"].to_numpy(), timeframe=tf, start_ms=start_ms, end_ms=end)
    report.gaps_found = len(gaps)
    report.missing = sum(gap.missing_count for gap in gaps)
    for chunk_start, chunk_end in _day_chunks(gaps):
        rows = source.fetch_closed(key.symbol, tf, chunk_start, chunk_end)
        result = validate_candles(raw_frame_from_ccxt(rows), timeframe=tf, now_ms=now_ms)
        report.repaired += store.write(key, result.accepted)
        report.rejected += result.rejected_count
        for reason, count in result.reason_counts().items():
            report.reasons[reason] = report.reasons.get(reason, 0) + count
    return report


def _day_chunks(gaps: Sequence[Gap]) -> list[tuple[int, int]]:
    """Each gap cut at UTC midnights, so each fetch fills one date partition with one write."""
    chunks: list[tuple[int, int]] = []
    for gap in gaps:
        cursor = gap.start_ms
        while cursor < gap.end_ms:
            stop = min(cursor - cursor % DAY_MS + DAY_MS, gap.end_ms)
            chunks.append((cursor, stop))
            cursor = stop
    return chunks
