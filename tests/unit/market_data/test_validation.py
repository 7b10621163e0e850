from decimal import Decimal

import pandas as pd
import pytest

from fks.errors import BadRequest
from fks.market_data import RejectReason, raw_frame_from_ccxt, validate_candles
from tests.unit.market_data.candle_stubs import JAN_1_2024, MINUTE, ccxt_row

LATER = JAN_1_2024 + 60 * MINUTE  # every candle in the first hour is closed


def validate(rows, *, timeframe="1m", now_ms=LATER):
    return validate_candles(raw_frame_from_ccxt(rows), timeframe=timeframe, now_ms=now_ms)


def reasons(result):
    return list(zip(result.rejections["open_time"].tolist(), result.rejections["reason"].tolist(), strict=True))


def test_validate_when_all_rows_are_good_accepts_them_with_exact_decimals():
    result = validate([ccxt_row(JAN_1_2024, 0.1, 0.3, 0.1, 0.2, 0.30000000000000004)])

    assert result.accepted_count == 1
    assert result.rejected_count == 0
    row = result.accepted.iloc[0]
    assert row["open_time"] == JAN_1_2024
    assert (row["open"], row["high"], row["low"], row["close"]) == (
        Decimal("0.1"), Decimal("0.3"), Decimal("0.1"), Decimal("0.2"),
    )  # fmt: skip
    assert row["volume"] == Decimal("0.30000000000000004")


@pytest.mark.parametrize(
    ("prices", "reason"),
    [
        ((100, 99, 90, 95), RejectReason.HIGH_BELOW_OPEN_CLOSE),
        ((95, 99, 90, 100), RejectReason.HIGH_BELOW_OPEN_CLOSE),
        ((100, 110, 101, 105), RejectReason.LOW_ABOVE_OPEN_CLOSE),
        ((105, 110, 101, 100), RejectReason.LOW_ABOVE_OPEN_CLOSE),
        ((100, 90, 110, 100), RejectReason.LOW_ABOVE_HIGH),
        ((0, 110, 0, 105), RejectReason.PRICE_NOT_POSITIVE),
        ((-1, 110, -2, 105), RejectReason.PRICE_NOT_POSITIVE),
    ],
)
def test_validate_when_ohlc_inconsistent_rejects_with_reason_and_keeps_the_rest(prices, reason):
    rows = [ccxt_row(JAN_1_2024), ccxt_row(JAN_1_2024 + MINUTE, *prices), ccxt_row(JAN_1_2024 + 2 * MINUTE)]

    result = validate(rows)

    assert reasons(result) == [(JAN_1_2024 + MINUTE, reason.value)]
    assert result.rejections["row"].tolist() == [1]
    assert result.accepted["open_time"].tolist() == [JAN_1_2024, JAN_1_2024 + 2 * MINUTE]


def test_validate_when_high_below_open_rejects_with_reason():
    result = validate([ccxt_row(JAN_1_2024, open_=100, high=99, low=90, close=95)])

    assert reasons(result) == [(JAN_1_2024, "high below max(open, close)")]
    assert result.accepted.empty


def test_validate_when_volume_negative_rejects_and_zero_volume_is_accepted():
    result = validate([ccxt_row(JAN_1_2024, volume=-0.5), ccxt_row(JAN_1_2024 + MINUTE, volume=0)])

    assert reasons(result) == [(JAN_1_2024, RejectReason.VOLUME_NEGATIVE.value)]
    assert result.accepted["volume"].tolist() == [Decimal(0)]


def test_validate_when_timestamp_unaligned_rejects_it():
    result = validate([ccxt_row(JAN_1_2024 + 1_000)])

    assert reasons(result) == [(JAN_1_2024 + 1_000, RejectReason.UNALIGNED.value)]


def test_validate_when_aligned_to_minute_but_not_to_5m_rejects_for_5m():
    result = validate([ccxt_row(JAN_1_2024 + MINUTE), ccxt_row(JAN_1_2024 + 5 * MINUTE)], timeframe="5m")

    assert reasons(result) == [(JAN_1_2024 + MINUTE, RejectReason.UNALIGNED.value)]


def test_validate_when_candle_in_future_or_still_open_rejects_and_just_closed_is_accepted():
    now = JAN_1_2024 + 10 * MINUTE + 30_000
    rows = [
        ccxt_row(JAN_1_2024 + 9 * MINUTE),  # ended at 10:00, closed
        ccxt_row(JAN_1_2024 + 10 * MINUTE),  # forming
        ccxt_row(JAN_1_2024 + 11 * MINUTE),  # not started
    ]

    result = validate(rows, now_ms=now)

    assert result.accepted["open_time"].tolist() == [JAN_1_2024 + 9 * MINUTE]
    assert reasons(result) == [
        (JAN_1_2024 + 10 * MINUTE, RejectReason.STILL_OPEN.value),
        (JAN_1_2024 + 11 * MINUTE, RejectReason.IN_FUTURE.value),
    ]


def test_validate_when_candle_ends_exactly_at_now_accepts_it():
    assert validate([ccxt_row(JAN_1_2024)], now_ms=JAN_1_2024 + MINUTE).accepted_count == 1


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (ccxt_row(None), RejectReason.OPEN_TIME_INVALID),
        (ccxt_row(JAN_1_2024 + 0.5), RejectReason.OPEN_TIME_INVALID),
        (ccxt_row(-MINUTE), RejectReason.OPEN_TIME_INVALID),
        (ccxt_row(JAN_1_2024, close=None), RejectReason.VALUE_MISSING),
        (ccxt_row(JAN_1_2024, volume=float("nan")), RejectReason.VALUE_NOT_A_NUMBER),
        (ccxt_row(JAN_1_2024, high=float("inf")), RejectReason.VALUE_NOT_A_NUMBER),
        (ccxt_row(JAN_1_2024, volume=1e25), RejectReason.VALUE_OUT_OF_RANGE),
    ],
)
def test_validate_when_value_missing_or_not_numeric_rejects_that_row(row, reason):
    result = validate([row, ccxt_row(JAN_1_2024 + MINUTE)])

    assert result.rejections["reason"].tolist() == [reason.value]
    assert result.accepted["open_time"].tolist() == [JAN_1_2024 + MINUTE]


def test_validate_when_text_values_are_not_numbers_rejects_with_reason():
    rows = [
        ccxt_row(JAN_1_2024, "100", "110", "abc", "105", "1"),
        ccxt_row(JAN_1_2024 + MINUTE, "1", "2", "1", "2", "3"),
    ]

    result = validate(rows)

    assert reasons(result) == [(JAN_1_2024, RejectReason.VALUE_NOT_A_NUMBER.value)]
    assert result.accepted["close"].tolist() == [Decimal(2)]


def test_validate_when_missing_open_time_reports_null_open_time():
    result = validate([ccxt_row(None)])

    assert result.rejections["open_time"].isna().tolist() == [True]


def test_validate_when_exact_duplicates_drops_them_quietly():
    rows = [ccxt_row(JAN_1_2024, close=105.0), ccxt_row(JAN_1_2024, close=105), ccxt_row(JAN_1_2024 + MINUTE)]

    result = validate(rows)

    assert result.accepted["open_time"].tolist() == [JAN_1_2024, JAN_1_2024 + MINUTE]
    assert result.duplicates_dropped == 1
    assert result.rejected_count == 0


def test_validate_when_conflicting_duplicates_the_last_row_wins_and_others_are_rejected():
    rows = [ccxt_row(JAN_1_2024, close=101), ccxt_row(JAN_1_2024, close=102), ccxt_row(JAN_1_2024, close=103)]

    result = validate(rows)

    assert result.accepted["close"].tolist() == [Decimal(103)]
    assert result.rejections["row"].tolist() == [0, 1]
    assert set(result.rejections["reason"]) == {RejectReason.CONFLICTING_DUPLICATE.value}
    assert result.duplicates_dropped == 0


def test_validate_when_later_duplicate_is_invalid_keeps_the_earlier_valid_one():
    rows = [ccxt_row(JAN_1_2024, close=101), ccxt_row(JAN_1_2024, high=104)]

    result = validate(rows)

    assert result.accepted["close"].tolist() == [Decimal(101)]
    assert reasons(result) == [(JAN_1_2024, RejectReason.HIGH_BELOW_OPEN_CLOSE.value)]


def test_validate_when_rows_out_of_order_returns_them_sorted():
    rows = [ccxt_row(JAN_1_2024 + 2 * MINUTE), ccxt_row(JAN_1_2024), ccxt_row(JAN_1_2024 + MINUTE)]

    result = validate(rows)

    assert result.accepted["open_time"].tolist() == [JAN_1_2024, JAN_1_2024 + MINUTE, JAN_1_2024 + 2 * MINUTE]
    assert result.accepted.index.tolist() == [0, 1, 2]


def test_validate_counts_rejections_per_reason():
    rows = [
        ccxt_row(JAN_1_2024 + 1),
        ccxt_row(JAN_1_2024 + 2),
        ccxt_row(JAN_1_2024, volume=-1),
        ccxt_row(JAN_1_2024 + MINUTE),
    ]

    result = validate(rows)

    assert result.received == 4
    assert result.accepted_count == 1
    assert result.reason_counts() == {RejectReason.UNALIGNED.value: 2, RejectReason.VOLUME_NEGATIVE.value: 1}


def test_validate_when_frame_has_float64_columns_reads_them_exactly():
    raw = pd.DataFrame(
        {
            "open_time": [JAN_1_2024],
            "open": [0.1],
            "high": [0.3],
            "low": [0.1],
            "close": [0.2],
            "volume": [0.7],
        }
    )

    result = validate_candles(raw, timeframe="1m", now_ms=LATER)

    assert result.accepted["volume"].tolist() == [Decimal("0.7")]


def test_validate_when_column_missing_raises_bad_request_naming_it():
    raw = pd.DataFrame({"open_time": [JAN_1_2024], "open": [1.0]})

    with pytest.raises(BadRequest, match="high"):
        validate_candles(raw, timeframe="1m", now_ms=LATER)


def test_validate_when_timeframe_unknown_raises_bad_request():
    with pytest.raises(BadRequest, match="'2m'"):
        validate([ccxt_row(JAN_1_2024)], timeframe="2m")
