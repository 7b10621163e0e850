import numpy as np
import pytest

from fks.errors import BadRequest
from fks.market_data import Gap, find_gaps
from tests.unit.market_data.candle_stubs import JAN_1_2024, MINUTE

T = JAN_1_2024


def minutes(*indices):
    return np.array([T + i * MINUTE for i in indices], dtype=np.int64)


def test_find_gaps_when_series_complete_returns_nothing():
    assert find_gaps(minutes(*range(10)), timeframe="1m", start_ms=T, end_ms=T + 10 * MINUTE) == []


def test_find_gaps_when_start_missing_reports_it():
    gaps = find_gaps(minutes(3, 4, 5), timeframe="1m", start_ms=T, end_ms=T + 6 * MINUTE)

    assert gaps == [Gap(start_ms=T, end_ms=T + 3 * MINUTE, missing_count=3)]


def test_find_gaps_when_middle_missing_reports_each_hole():
    gaps = find_gaps(minutes(0, 1, 4, 5, 7), timeframe="1m", start_ms=T, end_ms=T + 8 * MINUTE)

    assert gaps == [
        Gap(start_ms=T + 2 * MINUTE, end_ms=T + 4 * MINUTE, missing_count=2),
        Gap(start_ms=T + 6 * MINUTE, end_ms=T + 7 * MINUTE, missing_count=1),
    ]


def test_find_gaps_when_end_missing_reports_it_up_to_the_exclusive_end():
    gaps = find_gaps(minutes(0, 1), timeframe="1m", start_ms=T, end_ms=T + 5 * MINUTE)

    assert gaps == [Gap(start_ms=T + 2 * MINUTE, end_ms=T + 5 * MINUTE, missing_count=3)]


def test_find_gaps_when_no_candles_at_all_reports_one_gap_for_the_range():
    gaps = find_gaps([], timeframe="1h", start_ms=T, end_ms=T + 24 * 60 * MINUTE)

    assert gaps == [Gap(start_ms=T, end_ms=T + 24 * 60 * MINUTE, missing_count=24)]


def test_find_gaps_when_range_ends_off_grid_expects_the_candle_started_before_the_end():
    gaps = find_gaps(minutes(0), timeframe="5m", start_ms=T + 1, end_ms=T + 11 * MINUTE)

    assert gaps == [Gap(start_ms=T + 5 * MINUTE, end_ms=T + 15 * MINUTE, missing_count=2)]


def test_find_gaps_ignores_duplicates_and_times_outside_the_range():
    gaps = find_gaps(minutes(-5, 0, 0, 2, 9), timeframe="1m", start_ms=T, end_ms=T + 3 * MINUTE)

    assert gaps == [Gap(start_ms=T + MINUTE, end_ms=T + 2 * MINUTE, missing_count=1)]


def test_find_gaps_when_times_unaligned_raises_bad_request():
    with pytest.raises(BadRequest, match="aligned"):
        find_gaps([T + 1], timeframe="1m", start_ms=T, end_ms=T + MINUTE)


def test_find_gaps_when_times_unsorted_raises_bad_request():
    with pytest.raises(BadRequest, match="sorted"):
        find_gaps(minutes(2, 1), timeframe="1m", start_ms=T, end_ms=T + 3 * MINUTE)


def test_find_gaps_when_range_empty_returns_nothing():
    assert find_gaps(minutes(), timeframe="1m", start_ms=T, end_ms=T) == []
