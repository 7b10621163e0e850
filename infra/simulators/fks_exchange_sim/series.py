"""Deterministic one-minute sample candles, generated on demand from a counter-based hash.

Minute ``n`` (counted from 2024-01-01T00:00Z) draws its random numbers from SplitMix64 applied to
``n`` and a per-symbol salt, so any minute can be produced without the ones before it, in any
process, in any order. Only the price level needs history: the log price is the running sum of
integer increments (millionths of a nat), kept exactly in int64, and converted to ticks with a
lookup-table exponential (products of ``math.exp`` values) so no vectorised transcendental whose
last bit could differ between code paths decides a price. The running sum at the start of every
hour is cached with that hour's aggregate, which also serves intervals of an hour and longer.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fks_exchange_sim import price_shifts
from fks_exchange_sim.markets import SymbolSpec

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z, the first sample minute
DEFAULT_SEED = 20240101
_CHUNK_HOURS = 24 * 30  # extend the hour cache a month at a time to bound temporary memory

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK16 = np.uint64(0xFFFF)
# Four 16-bit uniforms summed (Irwin-Hall) approximate a normal; this is their standard deviation.
_SUM4_CENTRE = 2 * 65535
_SUM4_STD = 37837

_EXP_LOW_BITS = 12
_EXP_SPAN = 7324  # covers log moves of +-30 nats (7324 * 4096e-6); never reached in practice
_EXP_LOW = np.array([math.exp(r * 1e-6) for r in range(1 << _EXP_LOW_BITS)])
_EXP_HIGH = np.array([math.exp(q * 4096e-6) for q in range(-_EXP_SPAN, _EXP_SPAN + 1)])

Int64Array = NDArray[np.int64]
COLUMNS = ("open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_base", "taker_quote")


@dataclass(frozen=True)
class Bars:
    """Candles as columns. Prices in ticks, volumes in steps, quote volumes in tick*step units."""

    open: NDArray[Any]
    high: NDArray[Any]
    low: NDArray[Any]
    close: NDArray[Any]
    volume: NDArray[Any]
    quote_volume: NDArray[Any]
    trades: NDArray[Any]
    taker_base: NDArray[Any]
    taker_quote: NDArray[Any]

    def __len__(self) -> int:
        return len(self.open)

    def slice(self, start: int, stop: int) -> Bars:
        return Bars(*(getattr(self, name)[start:stop] for name in COLUMNS))

    def aggregate(self, offsets: NDArray[np.intp]) -> Bars:
        """Merge runs starting at ``offsets`` (first open, max high, min low, last close, sums)."""
        ends = np.append(offsets[1:], len(self)) - 1
        return Bars(
            open=self.open[offsets],
            high=np.maximum.reduceat(self.high, offsets),
            low=np.minimum.reduceat(self.low, offsets),
            close=self.close[ends],
            volume=np.add.reduceat(self.volume, offsets),
            # Python ints: a month of BTC quote volume in tick*step units nears int64's range.
            quote_volume=np.add.reduceat(self.quote_volume.astype(object), offsets),
            trades=np.add.reduceat(self.trades, offsets),
            taker_base=np.add.reduceat(self.taker_base, offsets),
            taker_quote=np.add.reduceat(self.taker_quote.astype(object), offsets),
        )


def concat(parts: list[Bars]) -> Bars:
    return Bars(*(np.concatenate([getattr(p, name) for p in parts]) for name in COLUMNS))


def _salt(seed: int, symbol: str, stream: str) -> np.uint64:
    digest = hashlib.sha256(f"{seed}:{symbol}:{stream}".encode()).digest()
    return np.uint64(int.from_bytes(digest[:8], "big"))


def _mix(index: NDArray[np.uint64], salt: np.uint64) -> NDArray[np.uint64]:
    """SplitMix64's output function on ``salt + (index + 1) * golden``; uint64 wraps by design."""
    z = (index + np.uint64(1)) * _GOLDEN + salt
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def _lane(hashes: NDArray[np.uint64], lane: int) -> Int64Array:
    return ((hashes >> np.uint64(16 * lane)) & _MASK16).astype(np.int64)


def _exp_micro(log_micro: Int64Array) -> NDArray[np.float64]:
    high = np.clip(log_micro >> _EXP_LOW_BITS, -_EXP_SPAN, _EXP_SPAN) + _EXP_SPAN
    low = log_micro & ((1 << _EXP_LOW_BITS) - 1)
    product: NDArray[np.float64] = _EXP_HIGH[high] * _EXP_LOW[low]
    return product


class SymbolSeries:
    """The sample candles of one symbol: any range of minutes, and cached hourly aggregates."""

    def __init__(self, spec: SymbolSpec, seed: int = DEFAULT_SEED) -> None:
        self.spec = spec
        self._salts = {s: _salt(seed, spec.symbol, s) for s in ("return", "shape", "volume")}
        self._start_ticks = int(spec.start_price / spec.tick)
        self._volume_steps = int(spec.volume_per_minute / spec.step)
        self._lock = threading.Lock()
        self._hours: list[Bars] = []
        self._hour_count = 0
        self._cum_at_hour: list[int] = [0]  # log price (micro-nats) before each hour's first minute
        # Prices set by tests (``POST /sim/price``); empty for the pure sample series.
        self.shifts = price_shifts.PriceShifts()

    def _increments(self, index: NDArray[np.uint64]) -> Int64Array:
        h = _mix(index, self._salts["return"])
        uniform_sum = _lane(h, 0) + _lane(h, 1) + _lane(h, 2) + _lane(h, 3) - _SUM4_CENTRE
        # Round to nearest: floor division would bias every step down half a unit.
        return (uniform_sum * self.spec.sigma_micro + _SUM4_STD // 2) // _SUM4_STD

    def _ticks(self, log_micro: Int64Array) -> Int64Array:
        return np.maximum(np.rint(self._start_ticks * _exp_micro(log_micro)), 1).astype(np.int64)

    def _generate(self, first: int, stop: int, cum_before: int) -> tuple[Bars, Int64Array]:
        """Minutes ``[first, stop)`` given the log price before ``first``, and each one's log price."""
        index = np.arange(first, stop, dtype=np.uint64)
        increments = self._increments(index)
        cum = cum_before + np.cumsum(increments)
        close = self._ticks(cum)
        open_ = np.concatenate([self._ticks(np.array([cum_before], dtype=np.int64)), close[:-1]])
        shape = _mix(index, self._salts["shape"])
        high = self._wick(np.maximum(open_, close), _lane(shape, 0), up=True)
        low = self._wick(np.minimum(open_, close), _lane(shape, 1), up=False)
        noise = _lane(_mix(index, self._salts["volume"]), 0)
        # Busy minutes move more: volume grows with the size of the move.
        volume = self._volume_steps * (16384 + noise) // 49152
        volume += self._volume_steps * np.abs(increments) // (2 * self.spec.sigma_micro)
        taker_base = volume * (16384 + (_lane(shape, 2) >> 1)) // 65536
        trades = 1 + volume * 400 // max(self._volume_steps, 1) + (_lane(shape, 3) & 63)
        bars = Bars(open_, high, low, close, volume, volume * close, trades, taker_base, taker_base * close)
        return bars, cum

    def _wick(self, body_edge: Int64Array, uniform16: Int64Array, *, up: bool) -> Int64Array:
        """Extend the body by a uniform share of one sigma of the price, staying above zero."""
        length = body_edge * self.spec.sigma_micro * uniform16 // (65536 * 1_000_000)
        return body_edge + length if up else np.maximum(body_edge - length, 1)

    def minutes(self, first: int, stop: int) -> Bars:
        """Minutes ``[first, stop)``, counted from ``EPOCH_MS``; ``first`` must be >= 0."""
        return price_shifts.apply(self._generated_minutes(first, stop), first, self.shifts.snapshot())

    def _generated_minutes(self, first: int, stop: int) -> Bars:
        hour = first // 60
        self._ensure_hours(hour)
        bars, _ = self._generate(hour * 60, max(stop, hour * 60 + 1), self._cum_at_hour[hour])
        return bars.slice(first - hour * 60, stop - hour * 60)

    def shift_close(self, minute: int, close_ticks: int) -> None:
        """Make ``minute`` close at ``close_ticks`` and rescale every later minute to match."""
        if close_ticks < 1:
            raise ValueError("a price must be at least one tick")
        now = self.minutes(minute, minute + 1)
        generated = int(self._generated_minutes(minute, minute + 1).close[0])
        shift = price_shifts.Shift(minute, close_ticks / generated, close_ticks, int(now.low[0]), int(now.high[0]))
        self.shifts.add(shift)

    def hours(self, first: int, stop: int, minute_stop: int) -> Bars:
        """Hourly aggregates of hours ``[first, stop)`` using only minutes before ``minute_stop``."""
        shifted = self.shifts.first_minute()
        if shifted is None or stop <= shifted // 60:
            return self._generated_hours(first, stop, minute_stop)
        # The cache holds generated hours; from the first shifted hour on, aggregate the minutes.
        split = max(first, shifted // 60)
        parts = [self._generated_hours(first, split, minute_stop)] if split > first else []
        tail_stop = min(stop * 60, minute_stop)
        if tail_stop > split * 60:
            tail = self.minutes(split * 60, tail_stop)
            parts.append(tail.aggregate(np.arange(0, len(tail), 60, dtype=np.intp)))
        return concat(parts)

    def _generated_hours(self, first: int, stop: int, minute_stop: int) -> Bars:
        complete_stop = min(stop, minute_stop // 60)
        self._ensure_hours(complete_stop)
        with self._lock:
            parts = self._hours_between(first, complete_stop)
        if stop > complete_stop and minute_stop % 60:
            partial = self.minutes(complete_stop * 60, minute_stop)
            parts.append(partial.aggregate(np.array([0], dtype=np.intp)))
        return concat(parts)

    def _hours_between(self, first: int, stop: int) -> list[Bars]:
        if stop <= first:
            return []
        merged = concat(self._hours) if len(self._hours) > 1 else self._hours[0]
        self._hours = [merged]
        return [merged.slice(first, stop)]

    def _ensure_hours(self, stop: int) -> None:
        """Cache complete hours ``[0, stop)`` and the log price before each."""
        with self._lock:
            while self._hour_count < stop:
                first = self._hour_count
                last = min(stop, first + _CHUNK_HOURS)
                minutes, cum = self._generate(first * 60, last * 60, self._cum_at_hour[first])
                self._hours.append(minutes.aggregate(np.arange(0, len(minutes), 60, dtype=np.intp)))
                self._cum_at_hour.extend(cum[59::60].tolist())
                self._hour_count = last
