from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError

from fks.errors import BadRequest
from fks.market_data import (
    CANDLE_SCHEMA,
    PRICE_DTYPE,
    Candle,
    Timeframe,
    candles_from_frame,
    frame_from_arrow,
    frame_from_candles,
    frame_to_arrow,
    raw_frame_from_ccxt,
    validate_candles,
)
from tests.unit.market_data.candle_stubs import JAN_1_2024, MINUTE, candle_frame, ccxt_row


def a_candle(**overrides):
    fields = {
        "exchange": "binance", "symbol": "BTC/USDT", "timeframe": "1m", "open_time": JAN_1_2024,
        "open": "100", "high": "110", "low": "90", "close": "105", "volume": "1.5",
    } | overrides  # fmt: skip
    return Candle(**fields)


def test_candle_when_prices_are_floats_keeps_their_decimal_text():
    candle = a_candle(open=0.1, high=0.30000000000000004, low=0.1, close=0.2, volume=0.3)

    assert candle.open == Decimal("0.1")
    assert candle.high == Decimal("0.30000000000000004")
    assert candle.volume == Decimal("0.3")
    assert candle.timeframe is Timeframe.M1


def test_candle_is_frozen_and_forbids_unknown_fields():
    candle = a_candle()

    with pytest.raises(ValidationError):
        candle.open = Decimal(1)  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        a_candle(trades=12)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"high": "99"}, "high is below max"),
        ({"low": "101"}, "low is above min"),
        ({"low": "111"}, "low is above high"),
        ({"open_time": JAN_1_2024 + 1}, "not aligned"),
        ({"open": "0"}, "greater than 0"),
        ({"volume": "-1"}, "greater than or equal to 0"),
        ({"symbol": "BTCUSDT"}, "invalid symbol"),
        ({"timeframe": "7m"}, "timeframe"),
        ({"open": "0.0000000000000000001"}, "decimal places"),
    ],
)
def test_candle_when_inconsistent_raises_validation_error(overrides, message):
    with pytest.raises(ValidationError, match=message):
        a_candle(**overrides)


def test_candle_json_carries_prices_as_strings():
    assert '"open":"0.1"' in a_candle(open="0.1", low="0.1").model_dump_json()


def test_raw_frame_from_ccxt_when_floats_round_trips_exactly_through_validation_and_parquet(tmp_path):
    rows = [ccxt_row(JAN_1_2024, 0.1, 0.30000000000000004, 0.1, 0.2, 0.3)]
    raw = raw_frame_from_ccxt(rows)
    accepted = validate_candles(raw, timeframe="1m", now_ms=JAN_1_2024 + MINUTE).accepted

    pq.write_table(frame_to_arrow(accepted), tmp_path / "candles.parquet")
    read_back = frame_from_arrow(pq.read_table(tmp_path / "candles.parquet"))

    assert pq.read_schema(tmp_path / "candles.parquet").field("open").type == CANDLE_SCHEMA.field("open").type
    assert read_back["open"].dtype == PRICE_DTYPE
    assert [read_back[name].iloc[0] for name in ("open", "high", "low", "close", "volume")] == [
        Decimal("0.1"), Decimal("0.30000000000000004"), Decimal("0.1"), Decimal("0.2"), Decimal("0.3"),
    ]  # fmt: skip


def test_raw_frame_from_ccxt_when_a_column_mixes_text_and_floats_keeps_it_as_text():
    raw = raw_frame_from_ccxt([ccxt_row(JAN_1_2024, "0.1"), ccxt_row(JAN_1_2024 + MINUTE, 0.2)])

    assert raw["open"].tolist() == ["0.1", "0.2"]


def test_raw_frame_from_ccxt_when_rows_are_ragged_raises_bad_request():
    with pytest.raises(BadRequest, match="same length"):
        raw_frame_from_ccxt([ccxt_row(JAN_1_2024), [JAN_1_2024 + MINUTE, 1, 2, 3]])


def test_raw_frame_from_ccxt_when_rows_have_seven_values_raises_bad_request():
    with pytest.raises(BadRequest, match="6 values, got 7"):
        raw_frame_from_ccxt([[*ccxt_row(JAN_1_2024), 12]])


def test_raw_frame_from_ccxt_when_empty_validates_to_nothing():
    result = validate_candles(raw_frame_from_ccxt([]), timeframe="1m", now_ms=JAN_1_2024)

    assert (result.received, result.accepted_count, result.rejected_count) == (0, 0, 0)


def test_candles_from_frame_and_back_keeps_every_value():
    frame = candle_frame(
        [(JAN_1_2024, "0.1", "0.3", "0.1", "0.2", "0.3"), (JAN_1_2024 + MINUTE, "1", "2", "1", "2", "0")]
    )

    candles = candles_from_frame(frame, exchange="binance", symbol="btc/usdt", timeframe="1m")
    again = frame_from_candles(candles)

    assert candles[0] == a_candle(open="0.1", high="0.3", low="0.1", close="0.2", volume="0.3")
    assert candles[1].symbol == "BTC/USDT"
    assert frame_to_arrow(again).equals(frame_to_arrow(frame))
