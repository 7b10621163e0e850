"""Candles for local backtests when no stored history exists: the exchange simulator's samples.

The simulator's series is deterministic (fixed seed, starting 2024-01-01), so the same command
always backtests the same bars. It implements the read side of ``fks.market_data.storage``'s
``CandleStore`` (``read`` and ``latest_open_time``, validated candle frames), so the CLI reads it
through the same ``CandleSeriesReader`` as the deployed functions: the 1m base, resampled on read.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from fks.errors import BadRequest
from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.storage import SeriesKey
from fks.market_data.symbols import to_exchange_symbol
from fks.market_data.timeframes import floor_time
from fks_exchange_sim.candles import sample_candles
from fks_exchange_sim.markets import DEFAULT_SYMBOLS
from fks_exchange_sim.series import EPOCH_MS

Progress = Callable[[int, int], None]
# Read in slices so a long range can report progress; 1,000 bars keeps each slice well under a second.
_SLICE_BARS = 1_000


class BundledCandleStore:
    """Read-only candle store over the simulator's bundled sample series (binance spot symbols)."""

    def __init__(self, now_ms: int | None = None, progress: Progress | None = None) -> None:
        self._now_ms = now_ms
        self._progress = progress

    def read(self, key: SeriesKey, start_ms: int, end_ms: int, progress: Progress | None = None) -> pd.DataFrame:
        """Closed candles with ``start_ms <= open_time < end_ms`` as a validated candle frame."""
        progress = progress or self._progress
        raw = self._exchange_symbol(key)
        step = key.timeframe.ms * _SLICE_BARS
        rows: list[list[object]] = []
        first = max(start_ms, EPOCH_MS)
        total = max(end_ms - first, 1)
        for slice_start in range(first, end_ms, step):
            slice_end = min(slice_start + step, end_ms)
            rows.extend(sample_candles(raw, key.timeframe.value, slice_start, slice_end - 1, now_ms=self._now()))
            if progress is not None:
                progress(slice_end - first, total)
        now_ms = self._now()
        return validate_candles(
            raw_frame_from_ccxt([row[:6] for row in rows]), timeframe=key.timeframe, now_ms=now_ms
        ).accepted

    def latest_open_time(self, key: SeriesKey) -> int | None:
        self._exchange_symbol(key)
        latest = floor_time(self._now(), key.timeframe)
        return latest if latest >= EPOCH_MS else None

    def _now(self) -> int:
        return self._now_ms if self._now_ms is not None else int(time.time() * 1000)

    @staticmethod
    def _exchange_symbol(key: SeriesKey) -> str:
        raw = to_exchange_symbol(key.symbol, "binance")
        known = [spec.symbol for spec in DEFAULT_SYMBOLS]
        if raw not in known:
            bundled = ", ".join(f"{spec.base}/{spec.quote}" for spec in DEFAULT_SYMBOLS)
            raise BadRequest(
                f"no bundled candles for {key.symbol}; bundled symbols: {bundled}", details={"symbol": key.symbol}
            )
        return raw
