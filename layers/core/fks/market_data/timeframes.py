"""Supported candle timeframes, their length in milliseconds, and time alignment.

Every timestamp is UTC epoch milliseconds. A candle is named by its ``open_time``; it covers
``[open_time, open_time + timeframe.ms)`` and is *closed* once ``now_ms`` reaches its end.

Alignment: every timeframe is aligned to the Unix epoch except ``1w``, which starts on Monday
00:00 UTC as Binance and TradingView draw it (the epoch was a Thursday, so weeks are offset by
four days). Not every exchange agrees (KuCoin's weeks start on Thursday); an adapter for such an
exchange must shift, not store, its weekly candles.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from fks.errors import BadRequest

if TYPE_CHECKING:  # arrays only pass through: parsing a timeframe must not import NumPy
    import numpy as np
    import numpy.typing as npt

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
# 1970-01-05, the first Monday after the epoch.
WEEK_OFFSET_MS = 4 * DAY_MS


class Timeframe(StrEnum):
    """A supported candle length, spelled as ccxt spells it (case matters: ``1m`` is not ``1M``)."""

    M1 = "1m"
    M3 = "3m"
    M5 = "5m"
    M15 = "15m"
    M30 = "30m"
    H1 = "1h"
    H2 = "2h"
    H4 = "4h"
    H6 = "6h"
    H8 = "8h"
    H12 = "12h"
    D1 = "1d"
    D3 = "3d"
    W1 = "1w"

    @property
    def ms(self) -> int:
        """Length of one candle in milliseconds."""
        return _LENGTH_MS[self]

    @property
    def offset_ms(self) -> int:
        """Where the grid of open times starts relative to the epoch (non-zero only for ``1w``)."""
        return WEEK_OFFSET_MS if self is Timeframe.W1 else 0


_LENGTH_MS: dict[Timeframe, int] = {
    Timeframe.M1: MINUTE_MS,
    Timeframe.M3: 3 * MINUTE_MS,
    Timeframe.M5: 5 * MINUTE_MS,
    Timeframe.M15: 15 * MINUTE_MS,
    Timeframe.M30: 30 * MINUTE_MS,
    Timeframe.H1: HOUR_MS,
    Timeframe.H2: 2 * HOUR_MS,
    Timeframe.H4: 4 * HOUR_MS,
    Timeframe.H6: 6 * HOUR_MS,
    Timeframe.H8: 8 * HOUR_MS,
    Timeframe.H12: 12 * HOUR_MS,
    Timeframe.D1: DAY_MS,
    Timeframe.D3: 3 * DAY_MS,
    Timeframe.W1: WEEK_MS,
}

SUPPORTED_TIMEFRAMES: tuple[Timeframe, ...] = tuple(Timeframe)


def parse_timeframe(value: str | Timeframe) -> Timeframe:
    """Return the timeframe named ``value``; raise ``BadRequest`` naming the bad value otherwise."""
    if isinstance(value, Timeframe):
        return value
    try:
        return Timeframe(value)
    except ValueError:
        supported = ", ".join(tf.value for tf in SUPPORTED_TIMEFRAMES)
        raise BadRequest(
            f"unsupported timeframe {value!r}; supported: {supported}",
            details={"timeframe": str(value), "supported": [tf.value for tf in SUPPORTED_TIMEFRAMES]},
        ) from None


def floor_time(ts_ms: int, timeframe: str | Timeframe) -> int:
    """Open time of the candle that contains ``ts_ms``."""
    tf = parse_timeframe(timeframe)
    return ts_ms - (ts_ms - tf.offset_ms) % tf.ms


def ceil_time(ts_ms: int, timeframe: str | Timeframe) -> int:
    """The first aligned open time at or after ``ts_ms``."""
    tf = parse_timeframe(timeframe)
    floored = floor_time(ts_ms, tf)
    return floored if floored == ts_ms else floored + tf.ms


def is_aligned(ts_ms: int, timeframe: str | Timeframe) -> bool:
    """Whether ``ts_ms`` is the open time of a candle of ``timeframe``."""
    return floor_time(ts_ms, timeframe) == ts_ms


def floor_times(ts_ms: npt.NDArray[np.int64], timeframe: str | Timeframe) -> npt.NDArray[np.int64]:
    """Vectorised ``floor_time`` (numpy's ``%`` floors like Python's, so pre-1970 times work too)."""
    tf = parse_timeframe(timeframe)
    result: npt.NDArray[np.int64] = ts_ms - (ts_ms - tf.offset_ms) % tf.ms
    return result


def aligned_mask(ts_ms: npt.NDArray[np.int64], timeframe: str | Timeframe) -> npt.NDArray[np.bool_]:
    """Vectorised ``is_aligned``."""
    tf = parse_timeframe(timeframe)
    result: npt.NDArray[np.bool_] = (ts_ms - tf.offset_ms) % tf.ms == 0
    return result


def is_closed(open_time_ms: int, timeframe: str | Timeframe, now_ms: int) -> bool:
    """A candle is closed when its whole interval lies in the past: ``open_time + ms <= now_ms``.

    At exactly ``now_ms == open_time + ms`` the interval ``[open, open + ms)`` is over, so the
    candle is final; the exchange may need a moment longer to publish it, which is the
    collector's concern, not this rule's.
    """
    return open_time_ms + parse_timeframe(timeframe).ms <= now_ms


def closed_mask(open_times_ms: npt.NDArray[np.int64], timeframe: str | Timeframe, now_ms: int) -> npt.NDArray[np.bool_]:
    """Vectorised ``is_closed``."""
    result: npt.NDArray[np.bool_] = open_times_ms + parse_timeframe(timeframe).ms <= now_ms
    return result


def last_closed_open_time(now_ms: int, timeframe: str | Timeframe) -> int:
    """Open time of the newest candle that is closed at ``now_ms``."""
    tf = parse_timeframe(timeframe)
    return floor_time(now_ms, tf) - tf.ms


def is_multiple_of(target: str | Timeframe, source: str | Timeframe) -> bool:
    """Whether candles of ``target`` are made of whole, aligned candles of ``source``."""
    big, small = parse_timeframe(target), parse_timeframe(source)
    return big.ms % small.ms == 0 and (big.offset_ms - small.offset_ms) % small.ms == 0
