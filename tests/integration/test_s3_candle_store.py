"""The S3 Parquet candle store on the emulator: writes that add a part and never overwrite, reads
that merge parts in write order, compaction, and writers that race."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq
import pytest

from fks.market_data import frame_to_arrow
from fks.market_data.storage import SeriesKey
from fks_adapters.market_data.s3_day_files import DayFile
from fks_adapters.market_data.s3_store import S3CandleStore
from tests.stack_handle import StackHandle
from tests.unit.market_data.candle_stubs import DAY, JAN_1_2024, MINUTE, candle_frame

pytestmark = pytest.mark.moto_only

DAY_ONE = "2024-01-01"


def _candles(*minutes: int, close: str = "42005") -> pd.DataFrame:
    return candle_frame([(JAN_1_2024 + m * MINUTE, "42000", "42010", "41990", close, "1.5") for m in minutes])


def _store(stack: StackHandle, prefix: str, *, now_ms: int = JAN_1_2024 + DAY // 2) -> S3CandleStore:
    """A store whose clock says ``now_ms`` (by default noon of the day the candles are on)."""
    return S3CandleStore(
        stack.output("DataBucketName"), stack.clients("s3"), prefix=prefix, clock=lambda: now_ms / 1000
    )


def _times(frame: pd.DataFrame) -> list[int]:
    return [int(t) for t in frame["open_time"].tolist()]


def _versions(stack: StackHandle, store: S3CandleStore, key: SeriesKey) -> tuple[int, int]:
    """(current objects, noncurrent versions and delete markers) under the series."""
    listing = stack.clients("s3").list_object_versions(Bucket=store.bucket, Prefix=store.series_prefix(key))
    versions = listing.get("Versions", [])
    current = sum(1 for v in versions if v["IsLatest"])
    return current, len(versions) - current + len(listing.get("DeleteMarkers", []))


def test_each_minute_adds_a_part_and_no_file_is_ever_overwritten(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "BTC/USDT", "1m")
    store = _store(local_stack, "it-parts")

    added = [store.write(key, _candles(minute)) for minute in range(5)]
    repeated = store.write(key, _candles(3, 4))  # a retried collection: nothing new

    assert added == [1, 1, 1, 1, 1]
    assert repeated == 0
    assert len(store.day_files(key, DAY_ONE)) == 5
    assert _versions(local_stack, store, key) == (5, 0)  # five objects, not one with five versions
    assert _times(store.read(key, JAN_1_2024, JAN_1_2024 + DAY)) == [JAN_1_2024 + m * MINUTE for m in range(5)]
    assert store.latest_open_time(key) == JAN_1_2024 + 4 * MINUTE


def test_a_revised_candle_is_a_newer_part_that_wins_on_read(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "ETH/USDT", "1m")
    store = _store(local_stack, "it-revise")
    store.write(key, _candles(5, 6))

    revision = pd.concat([_candles(5), _candles(6, close="42001")], ignore_index=True)

    added = store.write(key, revision)  # minute 5 is unchanged: only 6 is revised

    stored = store._read_day(key, DAY_ONE)
    assert added == 0
    assert len(stored) == 2
    assert str(stored["close"].iloc[1]).rstrip("0").rstrip(".") == "42001"
    newest = store.day_files(key, DAY_ONE)[-1]
    assert (newest.first, newest.last) == (JAN_1_2024 + 6 * MINUTE, JAN_1_2024 + 6 * MINUTE)


def test_a_write_across_midnight_lands_in_two_date_partitions(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "SOL/USDT", "1m")
    store = _store(local_stack, "it-midnight", now_ms=JAN_1_2024 + DAY + MINUTE * 3)
    last_minute = DAY // MINUTE - 1

    added = store.write(key, _candles(last_minute, last_minute + 1))

    assert added == 2
    assert store.stored_dates(key) == [DAY_ONE, "2024-01-02"]
    assert store.latest_open_time(key) == JAN_1_2024 + DAY


def test_compaction_folds_a_day_into_one_file_with_the_same_candles_and_is_idempotent(
    local_stack: StackHandle,
) -> None:
    key = SeriesKey.of("binance", "BTC/USDT", "1m")
    store = _store(local_stack, "it-compact")
    for minute in range(6):
        store.write(key, _candles(minute, close=f"4200{minute}"))
    store.write(key, _candles(2, close="41999"))  # a revision the fold must keep
    before = store.read(key, JAN_1_2024, JAN_1_2024 + DAY)

    folded = store.compact_day(key, DAY_ONE)
    again = store.compact_day(key, DAY_ONE)

    assert (folded, again) == (True, False)
    files = store.day_files(key, DAY_ONE)
    assert len(files) == 1
    assert (files[0].first, files[0].last) == (JAN_1_2024, JAN_1_2024 + 5 * MINUTE)
    assert frame_to_arrow(store.read(key, JAN_1_2024, JAN_1_2024 + DAY)).equals(frame_to_arrow(before))
    # A write after the fold sorts after the folded file, so it still wins.
    store.write(key, _candles(2, close="41998"))
    assert str(store._read_day(key, DAY_ONE)["close"].iloc[2]).startswith("41998")


def test_a_write_to_a_finished_day_folds_that_day_at_once(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "ETH/USDT", "1m")
    today = _store(local_stack, "it-finished")
    for minute in (0, 1, 2):
        today.write(key, _candles(minute))
    tomorrow = _store(local_stack, "it-finished", now_ms=JAN_1_2024 + DAY + 30_000)

    added = tomorrow.write(key, _candles(DAY // MINUTE - 1))  # the day's last minute, after midnight

    assert added == 1
    files = tomorrow.day_files(key, DAY_ONE)
    assert len(files) == 1
    assert _times(tomorrow._read_day(key, DAY_ONE)) == [JAN_1_2024 + m * MINUTE for m in (0, 1, 2, DAY // MINUTE - 1)]


def test_a_part_written_while_a_compaction_runs_is_neither_lost_nor_folded_twice(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "SOL/USDT", "1m")
    writer = _store(local_stack, "it-race")
    for minute in (0, 1):
        writer.write(key, _candles(minute))

    class Interrupted(S3CandleStore):
        def _read_files(self, key: SeriesKey, date: str, files: list[DayFile]) -> pd.DataFrame:  # type: ignore[override]
            merged = super()._read_files(key, date, files)
            writer.write(key, _candles(2))  # collection adds a part between the fold's read and its deletes
            return merged

    compactor = Interrupted(
        local_stack.output("DataBucketName"),
        local_stack.clients("s3"),
        prefix="it-race",
        clock=lambda: (JAN_1_2024 + DAY // 2) / 1000,
    )

    assert compactor.compact_day(key, DAY_ONE) is True

    assert len(writer.day_files(key, DAY_ONE)) == 2  # the fold and the part it never read
    assert _times(writer._read_day(key, DAY_ONE)) == [JAN_1_2024 + m * MINUTE for m in (0, 1, 2)]
    writer.compact_day(key, DAY_ONE)
    assert len(writer.day_files(key, DAY_ONE)) == 1


def test_a_day_in_the_old_single_file_layout_is_read_and_folded_with_new_parts(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "BTC/USDT", "1m")
    store = _store(local_stack, "it-legacy")
    buffer = io.BytesIO()
    pq.write_table(frame_to_arrow(_candles(0, 1, close="42001")), buffer, compression="snappy")
    local_stack.clients("s3").put_object(
        Bucket=store.bucket, Key=store.object_key(key, DAY_ONE), Body=buffer.getvalue()
    )  # candles.parquet, as the store wrote days before parts

    store.write(key, _candles(1, 2))  # revises minute 1, adds minute 2

    assert store.latest_open_time(key) == JAN_1_2024 + 2 * MINUTE
    day = store._read_day(key, DAY_ONE)
    assert _times(day) == [JAN_1_2024 + m * MINUTE for m in (0, 1, 2)]
    assert [str(c).rstrip("0").rstrip(".") for c in day["close"].tolist()] == ["42001", "42005", "42005"]
    assert store.compact_day(key, DAY_ONE) is True
    assert [f.name for f in store.day_files(key, DAY_ONE)] != ["candles.parquet"]
    assert _times(store._read_day(key, DAY_ONE)) == [JAN_1_2024 + m * MINUTE for m in (0, 1, 2)]


def test_a_range_is_deleted_across_parts(local_stack: StackHandle) -> None:
    key = SeriesKey.of("binance", "ETH/USDT", "1m")
    store = _store(local_stack, "it-delete")
    for minute in range(6):
        store.write(key, _candles(minute))

    removed = store.delete_range(key, JAN_1_2024 + 2 * MINUTE, JAN_1_2024 + 4 * MINUTE)

    assert removed == 2
    assert _times(store._read_day(key, DAY_ONE)) == [JAN_1_2024 + m * MINUTE for m in (0, 1, 4, 5)]
    assert store.write(key, _candles(2)) == 1  # a deleted candle can be stored again
