"""Partition spelling, date partitions, history pages and time parsing."""

from __future__ import annotations

import pytest

from fks.errors import BadRequest
from fks.market_data.queries import HistoryQuery, LatestQuery, parse_time_ms
from fks.market_data.serialise import decimal_text
from fks.market_data.storage import (
    SeriesKey,
    dates_in_range,
    day_start_ms,
    partition_date,
    symbol_from_partition,
    symbol_to_partition,
)

DAY = 86_400_000
JAN_1 = 1_704_067_200_000  # 2024-01-01T00:00Z
MINUTE = 60_000


@pytest.mark.parametrize(
    ("symbol", "partition"),
    [("BTC/USDT", "BTC-USDT"), ("btc/usdt", "BTC-USDT"), ("BTC/USDT:USDT", "BTC-USDT_USDT")],
)
def test_symbol_partition_spelling_round_trips(symbol: str, partition: str) -> None:
    assert symbol_to_partition(symbol) == partition
    assert symbol_from_partition(partition) == symbol.upper()


def test_symbol_from_partition_also_takes_the_unified_spelling() -> None:
    assert symbol_from_partition("ETH/USDT") == "ETH/USDT"


def test_symbol_from_partition_rejects_garbage_naming_it() -> None:
    with pytest.raises(BadRequest, match="B!TC"):
        symbol_from_partition("B!TC")


def test_series_key_rejects_an_exchange_id_that_is_not_alphanumeric() -> None:
    with pytest.raises(BadRequest, match="bin/ance"):
        SeriesKey.of("bin/ance", "BTC/USDT", "1m")


def test_dates_in_range_covers_every_day_touched_by_the_half_open_range() -> None:
    assert dates_in_range(JAN_1 - MINUTE, JAN_1 + DAY) == ["2023-12-31", "2024-01-01"]
    assert dates_in_range(JAN_1, JAN_1) == []
    assert partition_date(JAN_1 + DAY - 1) == "2024-01-01"
    assert day_start_ms("2024-01-02") == JAN_1 + DAY


@pytest.mark.parametrize(
    ("value", "expected"),
    [(JAN_1, JAN_1), (str(JAN_1), JAN_1), ("2024-01-01T00:00:00Z", JAN_1), ("2024-01-01T01:00:00+01:00", JAN_1)],
)
def test_parse_time_ms_takes_epoch_ms_and_iso_8601(value: object, expected: int) -> None:
    assert parse_time_ms(value, "start") == expected


def test_parse_time_ms_rejects_text_naming_it() -> None:
    with pytest.raises(BadRequest, match="yesterday"):
        parse_time_ms("yesterday", "start")


def test_history_page_is_clipped_to_limit_and_points_to_the_next_page() -> None:
    query = HistoryQuery.model_validate({"start": JAN_1, "end": JAN_1 + 30 * MINUTE, "limit": "20"})

    assert query.page(now_ms=JAN_1 + DAY) == (JAN_1, JAN_1 + 20 * MINUTE, JAN_1 + 20 * MINUTE)


def test_history_last_page_has_no_next_start_and_never_reaches_the_open_candle() -> None:
    query = HistoryQuery.model_validate({"start": JAN_1, "timeframe": "5m"})

    assert query.page(now_ms=JAN_1 + 12 * MINUTE) == (JAN_1, JAN_1 + 10 * MINUTE, None)


def test_history_reversed_range_is_a_bad_request() -> None:
    query = HistoryQuery.model_validate({"start": JAN_1 + MINUTE, "end": JAN_1})

    with pytest.raises(BadRequest, match="before"):
        query.page(now_ms=JAN_1 + DAY)


def test_queries_forbid_unknown_parameters_and_unbuildable_timeframes() -> None:
    with pytest.raises(ValueError, match="extra"):
        LatestQuery.model_validate({"limt": "3"})
    with pytest.raises(ValueError, match="7m"):
        HistoryQuery.model_validate({"timeframe": "7m"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42000.000000000000000000", "42000"), ("0.000000000000000001", "0.000000000000000001"), ("0", "0")],
)
def test_decimal_text_is_exact_and_without_exponent(text: str, expected: str) -> None:
    from decimal import Decimal

    assert decimal_text(Decimal(text)) == expected


def test_decimal_text_keeps_all_38_digits() -> None:
    from decimal import Decimal

    value = "12345678901234567890.123456789012345678"
    assert decimal_text(Decimal(value)) == value
