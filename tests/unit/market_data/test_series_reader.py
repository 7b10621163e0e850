"""CandleSeriesReader: every timeframe from the stored 1m base, whole closed bars only."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from fks.errors import BadRequest
from fks.market_data.series import CandleSeriesReader, bars_completed_by, require_buildable
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe
from tests.unit.market_data.candle_stubs import DAY, HOUR, JAN_1_2024, MINUTE, candle_frame

BTC_1M = SeriesKey.of("binance", "BTC/USDT", "1m")
BTC_1H = SeriesKey.of("binance", "BTC/USDT", "1h")
BTC_1D = SeriesKey.of("binance", "BTC/USDT", "1d")


class _MemoryStore:
    """The read side of a candle store over frames kept per series (what S3 would hold)."""

    def __init__(self, series: dict[SeriesKey, pd.DataFrame]) -> None:
        self.series = series
        self.reads: list[SeriesKey] = []

    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame:
        self.reads.append(key)
        frame = self.series.get(key, candle_frame([]))
        times = frame["open_time"].to_numpy()
        return frame.loc[(times >= start_ms) & (times < end_ms)].reset_index(drop=True)

    def latest_open_time(self, key: SeriesKey) -> int | None:
        frame = self.series.get(key)
        return None if frame is None or frame.empty else int(frame["open_time"].max())


def _minutes(start_ms: int, count: int, *, skip: frozenset[int] = frozenset()) -> pd.DataFrame:
    """``count`` 1m candles from ``start_ms``; minute i closes at 100 + i (so the hour's close is known)."""
    rows = [
        (start_ms + i * MINUTE, str(100 + i), str(101 + i), str(99 + i), str(100 + i), "1")
        for i in range(count)
        if i not in skip
    ]
    return candle_frame(rows)


def test_hours_are_built_from_stored_minutes_and_the_unfinished_hour_is_not_a_bar() -> None:
    # Two whole hours and 30 minutes of the third: the collector has not stored the rest yet.
    reader = CandleSeriesReader(_MemoryStore({BTC_1M: _minutes(JAN_1_2024, 150)}))

    bars = reader.read(BTC_1H, JAN_1_2024, JAN_1_2024 + 3 * HOUR)

    assert bars["open_time"].tolist() == [JAN_1_2024, JAN_1_2024 + HOUR]
    assert bars["open"].tolist() == [Decimal(100), Decimal(160)]
    assert bars["close"].tolist() == [Decimal(159), Decimal(219)]
    assert bars["high"].tolist() == [Decimal(160), Decimal(220)]
    assert bars["volume"].tolist() == [Decimal(60), Decimal(60)]


def test_an_hour_with_a_missing_minute_is_not_a_bar() -> None:
    reader = CandleSeriesReader(_MemoryStore({BTC_1M: _minutes(JAN_1_2024, 120, skip=frozenset({75}))}))

    bars = reader.read(BTC_1H, JAN_1_2024, JAN_1_2024 + 2 * HOUR)

    assert bars["open_time"].tolist() == [JAN_1_2024]


def test_a_day_ends_at_utc_midnight_and_the_next_day_is_not_a_bar_until_whole() -> None:
    # One whole UTC day and the first hour of the next: the day boundary splits them exactly.
    reader = CandleSeriesReader(_MemoryStore({BTC_1M: _minutes(JAN_1_2024, 24 * 60 + 60)}))

    days = reader.read(BTC_1D, JAN_1_2024, JAN_1_2024 + 2 * DAY)
    hours = reader.read(BTC_1H, JAN_1_2024 + 23 * HOUR, JAN_1_2024 + 25 * HOUR)

    assert days["open_time"].tolist() == [JAN_1_2024]
    assert days["close"].tolist() == [Decimal(100 + 24 * 60 - 1)]
    assert hours["open_time"].tolist() == [JAN_1_2024 + 23 * HOUR, JAN_1_2024 + DAY]


def test_range_bounds_select_bars_by_open_time() -> None:
    reader = CandleSeriesReader(_MemoryStore({BTC_1M: _minutes(JAN_1_2024, 4 * 60)}))

    bars = reader.read(BTC_1H, JAN_1_2024 + 30 * MINUTE, JAN_1_2024 + 3 * HOUR)

    assert bars["open_time"].tolist() == [JAN_1_2024 + HOUR, JAN_1_2024 + 2 * HOUR]


def test_base_timeframe_is_read_as_stored() -> None:
    reader = CandleSeriesReader(_MemoryStore({BTC_1M: _minutes(JAN_1_2024, 5)}))

    assert len(reader.read(BTC_1M, JAN_1_2024, JAN_1_2024 + 5 * MINUTE)) == 5


def test_a_timeframe_finer_than_the_collected_base_is_a_bad_request_naming_both() -> None:
    reader = CandleSeriesReader(_MemoryStore({}), base_of=lambda exchange, symbol: Timeframe.M5)

    with pytest.raises(BadRequest) as raised:
        reader.read(BTC_1M, JAN_1_2024, JAN_1_2024 + HOUR)

    assert "1m" in raised.value.message
    assert "5m" in raised.value.message
    assert raised.value.status_code == 400
    assert raised.value.details == {"timeframe": "1m", "base_timeframe": "5m"}


def test_a_timeframe_not_made_of_whole_base_candles_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="not made of whole 4h candles"):
        require_buildable(Timeframe.H6, Timeframe.H4)


def test_old_data_at_its_own_timeframe_is_read_only_where_the_base_holds_nothing() -> None:
    old_hours = candle_frame(
        [(JAN_1_2024 - 2 * HOUR, "1", "2", "1", "2", "5"), (JAN_1_2024 - HOUR, "2", "3", "2", "3", "5")]
    )
    store = _MemoryStore({BTC_1M: _minutes(JAN_1_2024, 60), BTC_1H: old_hours})
    reader = CandleSeriesReader(store)

    recent = reader.read(BTC_1H, JAN_1_2024, JAN_1_2024 + HOUR)
    old = reader.read(BTC_1H, JAN_1_2024 - 2 * HOUR, JAN_1_2024)

    assert recent["close"].tolist() == [Decimal(159)]  # the base wins where it has candles
    assert old["open_time"].tolist() == [JAN_1_2024 - 2 * HOUR, JAN_1_2024 - HOUR]


def test_newest_closed_bar_needs_the_bars_last_minute_stored() -> None:
    store = _MemoryStore({BTC_1M: _minutes(JAN_1_2024, 119)})  # 00:00 .. 01:58 stored
    reader = CandleSeriesReader(store)
    later = JAN_1_2024 + 5 * HOUR

    before_last_minute = reader.newest_closed_bar(BTC_1H, later)
    store.series[BTC_1M] = _minutes(JAN_1_2024, 120)  # the collection of 01:59 finished
    after_last_minute = reader.newest_closed_bar(BTC_1H, later)

    assert before_last_minute == JAN_1_2024
    assert after_last_minute == JAN_1_2024 + HOUR


def test_newest_closed_bar_is_never_a_bar_still_open_at_now() -> None:
    reader = CandleSeriesReader(_MemoryStore({BTC_1M: _minutes(JAN_1_2024, 180)}))

    assert reader.newest_closed_bar(BTC_1H, JAN_1_2024 + HOUR + 30 * MINUTE) == JAN_1_2024
    assert reader.newest_closed_bar(SeriesKey.of("binance", "ETH/USDT", "1h"), JAN_1_2024 + 9 * HOUR) is None


def test_bars_completed_by_new_minutes_are_the_longer_bars_whose_last_minute_they_hold() -> None:
    # 00:57, 00:58, 00:59 stored: the minute 00:59 closes the hour and every shorter bar ending then.
    stored = [JAN_1_2024 + m * MINUTE for m in (57, 58, 59)]

    completed = bars_completed_by(stored, Timeframe.M1)

    assert completed[Timeframe.H1] == (JAN_1_2024, JAN_1_2024)
    assert completed[Timeframe.M3] == (JAN_1_2024 + 57 * MINUTE, JAN_1_2024 + 57 * MINUTE)
    assert completed[Timeframe.M5] == (JAN_1_2024 + 55 * MINUTE, JAN_1_2024 + 55 * MINUTE)
    assert Timeframe.H2 not in completed  # 00:00-02:00 is still open
    assert Timeframe.D1 not in completed
    assert bars_completed_by([JAN_1_2024 + 10 * MINUTE], Timeframe.M1) == {}
