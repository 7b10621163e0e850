from decimal import Decimal

import pytest

from fks.errors import BadRequest
from fks.market_data import resample_candles
from tests.unit.market_data.candle_stubs import HOUR, JAN_1_2024, MAR_31_2024, MINUTE, candle_frame


def hour_of_minutes(start, *, skip=()):
    """Minute i: open 100+i, close 100.5+i, high close+1, low open-1, volume 0.1; with a spike
    to 500 at minute 17 and a dip to 1 at minute 42."""
    rows = []
    for i in range(60):
        if i in skip:
            continue
        open_, close = Decimal(100 + i), Decimal(100 + i) + Decimal("0.5")
        high = Decimal(500) if i == 17 else close + 1
        low = Decimal(1) if i == 42 else open_ - 1
        rows.append((start + i * MINUTE, str(open_), str(high), str(low), str(close), "0.1"))
    return rows


def as_tuples(frame):
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_resample_1m_to_1h_builds_the_hand_computed_candle():
    frame = candle_frame(hour_of_minutes(JAN_1_2024))

    hourly = resample_candles(frame, source="1m", target="1h")

    # open of minute 0, max high (the spike), min low (the dip), close of minute 59, 60 x 0.1
    assert as_tuples(hourly) == [(JAN_1_2024, Decimal(100), Decimal(500), Decimal(1), Decimal("159.5"), Decimal("6.0"))]


def test_resample_1m_to_1h_when_a_minute_is_missing_drops_that_hour_by_default():
    frame = candle_frame(hour_of_minutes(JAN_1_2024) + hour_of_minutes(JAN_1_2024 + HOUR, skip={30}))

    hourly = resample_candles(frame, source="1m", target="1h")

    assert hourly["open_time"].tolist() == [JAN_1_2024]


def test_resample_when_partial_asked_emits_the_incomplete_bucket_too():
    frame = candle_frame(hour_of_minutes(JAN_1_2024) + hour_of_minutes(JAN_1_2024 + HOUR, skip={0, 59}))

    hourly = resample_candles(frame, source="1m", target="1h", include_partial=True)

    assert hourly["open_time"].tolist() == [JAN_1_2024, JAN_1_2024 + HOUR]
    second = hourly.iloc[1]
    assert (second["open"], second["close"], second["volume"]) == (
        Decimal(101),
        Decimal("158.5"),
        Decimal("5.8"),
    )


def test_resample_1m_to_1d_over_a_utc_day_uses_all_1440_minutes():
    rows = [(MAR_31_2024 + i * MINUTE, "10", "11", "9", "10", "0.001") for i in range(1440)]
    rows[0] = (MAR_31_2024, "7", "11", "6.5", "10", "0.001")
    rows[-1] = (MAR_31_2024 + 1439 * MINUTE, "10", "12.25", "9", "12", "0.001")
    frame = candle_frame(rows)

    daily = resample_candles(frame, source="1m", target="1d")

    assert as_tuples(daily) == [
        (MAR_31_2024, Decimal(7), Decimal("12.25"), Decimal("6.5"), Decimal(12), Decimal("1.44"))
    ]


def test_resample_1m_to_5m_splits_at_aligned_starts():
    rows = [(JAN_1_2024 + i * MINUTE, str(i + 1), str(i + 2), str(i + 1), str(i + 2), "1") for i in range(10)]

    five = resample_candles(candle_frame(rows), source="1m", target="5m")

    assert as_tuples(five) == [
        (JAN_1_2024, Decimal(1), Decimal(6), Decimal(1), Decimal(6), Decimal(5)),
        (JAN_1_2024 + 5 * MINUTE, Decimal(6), Decimal(11), Decimal(6), Decimal(11), Decimal(5)),
    ]


def test_resample_when_volumes_are_0_1_and_0_2_sums_exactly_to_0_3():
    rows = [(JAN_1_2024, "1", "1", "1", "1", "0.1"), (JAN_1_2024 + MINUTE, "1", "1", "1", "1", "0.2"),
            (JAN_1_2024 + 2 * MINUTE, "1", "1", "1", "1", "0")]  # fmt: skip

    three = resample_candles(candle_frame(rows), source="1m", target="3m")

    assert three["volume"].tolist() == [Decimal("0.3")]


def test_resample_when_empty_returns_an_empty_candle_frame():
    assert resample_candles(candle_frame([]), source="1m", target="1h").empty


def test_resample_when_target_not_a_multiple_raises_bad_request():
    with pytest.raises(BadRequest, match="6h candles from 4h"):
        resample_candles(candle_frame([]), source="4h", target="6h")


def test_resample_when_input_unsorted_raises_bad_request():
    rows = [(JAN_1_2024 + MINUTE, "1", "1", "1", "1", "1"), (JAN_1_2024, "1", "1", "1", "1", "1")]

    with pytest.raises(BadRequest, match="sorted"):
        resample_candles(candle_frame(rows), source="1m", target="5m")
