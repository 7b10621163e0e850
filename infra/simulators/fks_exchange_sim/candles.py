"""Klines in Binance's wire format, assembled from the sample series.

Intervals under an hour are aggregated from minutes, longer ones from the cached hours, so every
interval is the exact aggregate of the one-minute candles (first open, highest high, lowest low,
last close, summed volumes). Only candles that have opened by ``now`` exist; the newest one is
still open and holds the minutes seen so far, as on Binance.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from fks_exchange_sim.intervals import HOUR_MS, MINUTE_MS, Interval, parse_interval
from fks_exchange_sim.markets import ASSET_PRECISION, DEFAULT_SYMBOLS, SymbolSpec
from fks_exchange_sim.series import DEFAULT_SEED, EPOCH_MS, Bars, SymbolSeries

Kline = list[Any]
UNLIMITED = 1 << 62


def _fmt(values: Iterable[int], decimals: int) -> list[str]:
    """Integers in units of 10**-decimals as Binance's eight-decimal strings (truncating beyond)."""
    if decimals > ASSET_PRECISION:
        divisor = 10 ** (decimals - ASSET_PRECISION)
        values = (int(v) // divisor for v in values)
        decimals = ASSET_PRECISION
    scale = 10 ** (ASSET_PRECISION - decimals)
    unit = 10**ASSET_PRECISION
    out = []
    for value in values:
        whole, frac = divmod(int(value) * scale, unit)
        out.append(f"{whole}.{frac:08d}")
    return out


def minute_index(ms: int) -> int:
    return (ms - EPOCH_MS) // MINUTE_MS


class CandleSource:
    """Sample candles of every configured symbol; safe to share between request threads."""

    def __init__(self, specs: Sequence[SymbolSpec] = DEFAULT_SYMBOLS, seed: int = DEFAULT_SEED) -> None:
        self._series = {spec.symbol: SymbolSeries(spec, seed) for spec in specs}

    def series(self, symbol: str) -> SymbolSeries:
        return self._series[symbol]

    def close_ticks(self, symbol: str, now_ms: int) -> int:
        """The price now: the close of the current minute (the start price before the epoch).
        At the very first millisecond of a minute nothing has traded in it yet: the price is the
        previous minute's close, its open (so a bar's close instant prices at the next bar's open)."""
        series = self._series[symbol]
        minute = minute_index(now_ms - 1)
        if minute < 0:
            return int(series.spec.start_price / series.spec.tick)
        return int(series.minutes(minute, minute + 1).close[0])

    def set_close(self, symbol: str, now_ms: int, close_ticks: int) -> None:
        """The price from now on: the current minute closes at ``close_ticks`` (see price_shifts)."""
        minute = minute_index(now_ms)
        if minute < 0:
            raise ValueError("the price can only be set once the sample series has started (2024-01-01)")
        self._series[symbol].shift_close(minute, close_ticks)

    def last_day(self, symbol: str, now_ms: int) -> Bars:
        """One bar over the rolling 24 hours up to now (1440 minutes, fewer right after the epoch)."""
        stop = minute_index(now_ms) + 1
        first = max(stop - 1440, 0)
        return self._series[symbol].minutes(first, stop).aggregate(np.array([0], dtype=np.intp))

    def klines(
        self,
        symbol: str,
        interval: Interval,
        *,
        now_ms: int,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 500,
    ) -> list[Kline]:
        """Binance's ``GET /api/v3/klines`` selection: from ``start_ms`` forward, else back from the end."""
        first, last = self._bucket_range(interval, now_ms, start_ms, end_ms, limit)
        if last < first:
            return []
        bounds = [interval.start_of(i) for i in range(first, last + 2)]
        bars = self._bars(self._series[symbol], interval, bounds, minute_index(now_ms) + 1)
        return self._rows(self._series[symbol].spec, bounds, bars)

    @staticmethod
    def _bucket_range(
        interval: Interval, now_ms: int, start_ms: int | None, end_ms: int | None, limit: int
    ) -> tuple[int, int]:
        first = interval.index_of(EPOCH_MS)
        last = interval.index_of(now_ms)
        if end_ms is not None:
            last = min(last, interval.index_of(end_ms))
        if start_ms is not None:
            first = max(first, interval.first_index_at_or_after(start_ms))
            return first, min(last, first + limit - 1)
        return max(first, last - limit + 1), last

    @staticmethod
    def _bars(series: SymbolSeries, interval: Interval, bounds: list[int], minute_stop: int) -> Bars:
        unit_ms = MINUTE_MS if interval.minutes and interval.minutes < 60 else HOUR_MS
        units = np.clip((np.array(bounds, dtype=np.int64) - EPOCH_MS) // unit_ms, 0, None)
        if unit_ms == MINUTE_MS:
            units = np.minimum(units, minute_stop)
            base = series.minutes(int(units[0]), int(units[-1]))
        else:
            units = np.minimum(units, -(-minute_stop // 60))
            base = series.hours(int(units[0]), int(units[-1]), minute_stop)
        if interval.minutes in (1, 60):
            return base
        return base.aggregate((units[:-1] - units[0]).astype(np.intp))

    @staticmethod
    def _rows(spec: SymbolSpec, bounds: list[int], bars: Bars) -> list[Kline]:
        price_columns = [
            _fmt(bars.open, spec.tick_decimals),
            _fmt(bars.high, spec.tick_decimals),
            _fmt(bars.low, spec.tick_decimals),
            _fmt(bars.close, spec.tick_decimals),
        ]
        quote_decimals = spec.tick_decimals + spec.step_decimals
        volume = _fmt(bars.volume, spec.step_decimals)
        quote_volume = _fmt(bars.quote_volume, quote_decimals)
        taker_base = _fmt(bars.taker_base, spec.step_decimals)
        taker_quote = _fmt(bars.taker_quote, quote_decimals)
        trades = [int(t) for t in bars.trades]
        opens, highs, lows, closes = price_columns
        return [
            [
                bounds[i],
                opens[i],
                highs[i],
                lows[i],
                closes[i],
                volume[i],
                bounds[i + 1] - 1,
                quote_volume[i],
                trades[i],
                taker_base[i],
                taker_quote[i],
                "0",
            ]
            for i in range(len(bars))
        ]


@functools.cache
def _default_source() -> CandleSource:
    return CandleSource()


def sample_candles(symbol: str, interval: str, start_ms: int, end_ms: int, *, now_ms: int | None = None) -> list[Kline]:
    """Every candle the simulator serves for ``symbol`` with an open time in ``[start_ms, end_ms]``.

    Rows are exactly what ``GET /api/v3/klines`` returns for the default symbols and seed; ``now_ms``
    (default: the wall clock) is the simulator's clock, so later candles do not exist yet.
    """
    parsed = parse_interval(interval)
    if parsed is None:
        raise ValueError(f"unknown interval {interval!r}")
    now = int(time.time() * 1000) if now_ms is None else now_ms
    return _default_source().klines(symbol, parsed, now_ms=now, start_ms=start_ms, end_ms=end_ms, limit=UNLIMITED)
