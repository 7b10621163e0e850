"""CandlePrices reads each series once per invocation and answers every window from that read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.series import CandleSeriesReader
from fks_adapters.pipeline.prices import MINUTE_MS, CandlePrices

NOW = 1_767_225_600_000


class _CountingStore:
    def __init__(self) -> None:
        self.reads: list[tuple[int, int]] = []
        rows = [[NOW - i * MINUTE_MS, 100 + i, 101 + i, 99 + i, 100.5 + i, 1] for i in range(1, 400)]
        self.frame = validate_candles(raw_frame_from_ccxt(sorted(rows)), timeframe="1m", now_ms=NOW).accepted

    def read(self, key: Any, start_ms: int, end_ms: int) -> pd.DataFrame:
        self.reads.append((start_ms, end_ms))
        times = self.frame["open_time"].to_numpy()
        return self.frame.loc[(times >= start_ms) & (times < end_ms)].reset_index(drop=True)


def test_last_price_and_a_six_hour_window_come_from_one_read() -> None:
    store = _CountingStore()
    prices = CandlePrices(CandleSeriesReader(store))  # type: ignore[arg-type]

    last = prices.last_close("BTC/USDT", now_ms=NOW)
    recent = prices.closes("BTC/USDT", minutes=10, now_ms=NOW)
    six_hours = prices.closes("BTC/USDT", minutes=360, now_ms=NOW)

    assert len(store.reads) == 1
    assert last == Decimal("101.5")  # the bar that opened a minute before now
    assert sorted(recent) == [NOW - i * MINUTE_MS for i in range(10, 0, -1)]
    assert len(six_hours) == 360
