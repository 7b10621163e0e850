"""The S3 Parquet candle store on the emulator: idempotent merges, ranges, and writers that race."""

from __future__ import annotations

import pandas as pd
import pytest

from fks.market_data.storage import SeriesKey
from fks_adapters.market_data.s3_store import S3CandleStore
from tests.stack_handle import StackHandle
from tests.unit.market_data.candle_stubs import DAY, JAN_1_2024, MINUTE, candle_frame

pytestmark = pytest.mark.moto_only


def _candles(*minutes: int, close: str = "42005") -> pd.DataFrame:
    return candle_frame([(JAN_1_2024 + m * MINUTE, "42000", "42010", "41990", close, "1.5") for m in minutes])


def _store(stack: StackHandle) -> S3CandleStore:
    return S3CandleStore(stack.output("DataBucketName"), stack.clients("s3"), prefix="it-store")


def test_a_writer_that_loses_a_race_merges_again_and_keeps_both_candles(local_stack: StackHandle) -> None:
    # Arrange: between this writer's read and its PUT, a rival writes the same day
    key = SeriesKey.of("binance", "BTC/USDT", "1m")
    rival = _store(local_stack)
    rival.write(key, _candles(0))

    class Slow(S3CandleStore):
        raced = False

        def _read_day_versioned(self, key: SeriesKey, date: str) -> tuple[pd.DataFrame, str | None]:
            result = super()._read_day_versioned(key, date)
            if not self.raced:
                self.raced = True
                rival.write(key, _candles(2))
            return result

    slow = Slow(local_stack.output("DataBucketName"), local_stack.clients("s3"), prefix="it-store")

    # Act
    added = slow.write(key, _candles(1))

    # Assert
    assert added == 1
    assert slow._read_day(key, "2024-01-01")["open_time"].tolist() == [JAN_1_2024 + m * MINUTE for m in (0, 1, 2)]


def test_a_revised_candle_replaces_the_stored_one(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "ETH/USDT", "1m")
    store = _store(local_stack)
    store.write(key, _candles(5, 6))

    added = store.write(key, _candles(6, close="42001"))

    stored = store._read_day(key, "2024-01-01")
    assert added == 0
    assert len(stored) == 2
    assert str(stored["close"].iloc[1]).rstrip("0").rstrip(".") == "42001"


def test_a_write_across_midnight_lands_in_two_date_partitions(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "SOL/USDT", "1m")
    store = _store(local_stack)
    last_minute = DAY // MINUTE - 1

    added = store.write(key, _candles(last_minute, last_minute + 1))

    assert added == 2
    assert store.stored_dates(key) == ["2024-01-01", "2024-01-02"]
    assert store.latest_open_time(key) == JAN_1_2024 + DAY
