import numpy as np
import pytest

from fks.errors import BadRequest
from fks.market_data import (
    SUPPORTED_TIMEFRAMES,
    Timeframe,
    ceil_time,
    closed_mask,
    floor_time,
    floor_times,
    is_aligned,
    is_closed,
    last_closed_open_time,
    parse_timeframe,
)
from fks.market_data.timeframes import is_multiple_of
from tests.unit.market_data.candle_stubs import DAY, HOUR, JAN_1_2024, MINUTE


def test_supported_timeframes_are_the_fourteen_ccxt_names_in_order():
    assert [tf.value for tf in SUPPORTED_TIMEFRAMES] == [
        "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "ms"),
    [("1m", 60_000), ("15m", 900_000), ("4h", 14_400_000), ("1d", 86_400_000), ("3d", 259_200_000),
     ("1w", 604_800_000)],
)  # fmt: skip
def test_timeframe_ms_is_its_length_in_milliseconds(name, ms):
    assert parse_timeframe(name).ms == ms


def test_parse_timeframe_when_unknown_raises_bad_request_naming_the_value():
    with pytest.raises(BadRequest) as caught:
        parse_timeframe("7m")

    assert "'7m'" in caught.value.message
    assert "1m, 3m" in caught.value.message
    assert caught.value.details["timeframe"] == "7m"


def test_parse_timeframe_when_month_spelling_1M_is_rejected_not_read_as_minute():
    with pytest.raises(BadRequest, match="'1M'"):
        parse_timeframe("1M")


def test_floor_time_when_inside_an_hour_returns_the_hour_start():
    assert floor_time(JAN_1_2024 + 59 * MINUTE + 59_999, "1h") == JAN_1_2024


def test_floor_time_for_1w_returns_monday_midnight():
    wednesday_noon = JAN_1_2024 + 2 * DAY + 12 * HOUR

    assert floor_time(wednesday_noon, Timeframe.W1) == JAN_1_2024


def test_floor_time_before_the_epoch_floors_downwards():
    assert floor_time(-1, "1m") == -MINUTE


def test_ceil_time_when_aligned_returns_it_else_the_next_start():
    assert ceil_time(JAN_1_2024, "5m") == JAN_1_2024
    assert ceil_time(JAN_1_2024 + 1, "5m") == JAN_1_2024 + 5 * MINUTE


def test_is_aligned_when_one_ms_late_is_false():
    assert is_aligned(JAN_1_2024, "1d")
    assert not is_aligned(JAN_1_2024 + 1, "1d")


def test_floor_times_matches_floor_time_element_wise():
    times = np.array([JAN_1_2024 + 1, JAN_1_2024 + 3 * MINUTE + 5, -1], dtype=np.int64)

    floored = floor_times(times, "3m")

    assert floored.tolist() == [JAN_1_2024, JAN_1_2024 + 3 * MINUTE, -3 * MINUTE]


def test_is_closed_when_now_reaches_the_end_is_true_and_one_ms_earlier_is_false():
    assert is_closed(JAN_1_2024, "1m", now_ms=JAN_1_2024 + MINUTE)
    assert not is_closed(JAN_1_2024, "1m", now_ms=JAN_1_2024 + MINUTE - 1)


def test_closed_mask_marks_only_finished_candles():
    times = np.array([JAN_1_2024, JAN_1_2024 + MINUTE, JAN_1_2024 + 2 * MINUTE], dtype=np.int64)

    assert closed_mask(times, "1m", now_ms=JAN_1_2024 + 2 * MINUTE + 30_000).tolist() == [True, True, False]


def test_last_closed_open_time_is_the_candle_before_the_forming_one():
    assert last_closed_open_time(JAN_1_2024 + 10 * MINUTE + 1, "5m") == JAN_1_2024 + 5 * MINUTE
    assert last_closed_open_time(JAN_1_2024 + 10 * MINUTE, "5m") == JAN_1_2024 + 5 * MINUTE


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [("1h", "1m", True), ("1w", "1d", True), ("6h", "4h", False), ("1w", "3d", False), ("1m", "1m", True)],
)
def test_is_multiple_of_says_whether_target_is_made_of_whole_source_candles(target, source, expected):
    assert is_multiple_of(target, source) is expected
