"""Every timeframe from the collected base: candle series resampled on read, closed bars only.

Collection stores one series per asset at its collected timeframe, the *base* (1m unless the
asset was enabled at another). Strategies, backtests, the risk check, valuation and the
market-data API ask for whatever timeframe they work on (1m ... 1d); ``CandleSeriesReader`` is the
one place that answers them, so no reader looks for a series at its own timeframe that nobody
collects.

A bar of the asked timeframe exists only when it is *complete*: every base candle in it is stored
(``resample_candles`` drops the others). Collection stores only closed candles, so a complete bar
is a closed bar: an unfinished hour, or an hour with a hole that backfill has not repaired yet,
is never a bar.

A timeframe finer than the base (or not made of whole base candles) cannot be built: a
``BadRequest`` naming both.

Old data: a series stored at the asked timeframe itself (history written before collection kept
only the base) is read only when the base holds nothing in the range. The base is preferred
because it is what collection keeps complete and backfill repairs; the two are never mixed, so
one bar never comes from two sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from fks.errors import BadRequest
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import (
    SUPPORTED_TIMEFRAMES,
    Timeframe,
    ceil_time,
    floor_time,
    is_multiple_of,
    last_closed_open_time,
)

if TYPE_CHECKING:
    import pandas as pd

BASE_TIMEFRAME = Timeframe.M1

# (exchange, symbol) -> the timeframe collection stores for that asset.
BaseOf = Callable[[str, str], Timeframe]


class CandleHistory(Protocol):
    """The read side of ``fks.market_data.storage.CandleStore``."""

    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame: ...

    def latest_open_time(self, key: SeriesKey) -> int | None: ...


def require_buildable(timeframe: Timeframe, base: Timeframe) -> Timeframe:
    """``timeframe`` if bars of it can be built from ``base`` candles; ``BadRequest`` naming both otherwise."""
    details: dict[str, object] = {"timeframe": timeframe.value, "base_timeframe": base.value}
    if timeframe.ms < base.ms:
        raise BadRequest(
            f"timeframe {timeframe.value} is finer than the collected base timeframe {base.value}: "
            f"{timeframe.value} bars cannot be built from {base.value} candles",
            details=details,
        )
    if not is_multiple_of(timeframe, base):
        raise BadRequest(
            f"timeframe {timeframe.value} is not made of whole {base.value} candles (the collected base timeframe)",
            details=details,
        )
    return timeframe


def _default_base(exchange: str, symbol: str) -> Timeframe:
    return BASE_TIMEFRAME


class CandleSeriesReader:
    """Bars of any buildable timeframe, resampled on read from the stored base series."""

    def __init__(self, store: CandleHistory, base_of: BaseOf | None = None) -> None:
        self.store = store
        self._base_of = base_of or _default_base

    def base_key(self, key: SeriesKey) -> SeriesKey:
        """The stored series ``key``'s bars are built from; ``BadRequest`` if they cannot be."""
        base = self._base_of(key.exchange, key.symbol)
        require_buildable(key.timeframe, base)
        return SeriesKey(key.exchange, key.symbol, base)

    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame:
        """Complete bars of ``key.timeframe`` with ``start_ms <= open_time < end_ms``, sorted."""
        # pandas comes with the first read: a function that builds a reader for some routes only
        # (GET /assets, GET /health) must not import it at cold start.
        from fks.market_data.candles import empty_candle_frame
        from fks.market_data.resample import resample_candles

        base = self.base_key(key)
        tf = key.timeframe
        first, stop = ceil_time(start_ms, tf), ceil_time(end_ms, tf)
        if stop <= first:
            return empty_candle_frame()
        frame = self.store.read(base, first, stop)
        if base.timeframe is not tf:
            if frame.empty:
                return self.store.read(key, start_ms, end_ms)  # old data at its own timeframe (see above)
            frame = resample_candles(frame, source=base.timeframe, target=tf)
        times = frame["open_time"].to_numpy()
        return frame.loc[(times >= start_ms) & (times < end_ms)].reset_index(drop=True)

    def newest_closed_bar(self, key: SeriesKey, now_ms: int) -> int | None:
        """Open time of the newest bar of ``key.timeframe`` that has closed by ``now_ms`` and whose
        last base candle is stored: the freshness check that tells a scheduled evaluation the
        collection of that bar has finished. None when nothing is stored.

        The bar may still be incomplete (a hole inside it): ``read`` is what proves it whole.
        """
        base = self.base_key(key)
        tf = key.timeframe
        latest = self.store.latest_open_time(base)
        if latest is None:
            latest = self.store.latest_open_time(key) if base.timeframe is not tf else None
            if latest is None:
                return None
            newest = latest  # an old series at the asked timeframe: its newest stored bar
        else:
            # The bar holding the newest stored base candle is whole only if that candle is its last.
            newest = floor_time(latest + base.timeframe.ms, tf) - tf.ms
        return min(newest, last_closed_open_time(now_ms, tf))


def bars_completed_by(open_times: Sequence[int], base: Timeframe) -> dict[Timeframe, tuple[int, int]]:
    """For each longer timeframe built from ``base``, the first and last open time of the bars whose
    last base candle is among ``open_times`` (newly stored candles): the bars they just closed."""
    completed: dict[Timeframe, tuple[int, int]] = {}
    for tf in SUPPORTED_TIMEFRAMES:
        if tf.ms <= base.ms or not is_multiple_of(tf, base):
            continue
        closing = [floor_time(t, tf) for t in open_times if floor_time(t + base.ms, tf) == t + base.ms]
        if closing:
            completed[tf] = (min(closing), max(closing))
    return completed
