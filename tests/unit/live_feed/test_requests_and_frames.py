"""What a live-feed client may send, and the frames it gets back."""

from __future__ import annotations

import json

import pytest

from fks.errors import BadRequest, NotFound
from fks.live_feed import Feed, ack_frame, candle_frames, error_frame, parse_feed_request
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe
from tests.unit.market_data.candle_stubs import JAN_1_2024, MINUTE, candle_frame


def test_subscribe_message_gives_its_feed() -> None:
    request = parse_feed_request(json.dumps({"action": "subscribe", "symbol": "btc/usdt", "timeframe": "1m"}))

    assert request.action == "subscribe"
    assert request.feed == Feed("BTC/USDT", Timeframe("1m"))
    assert request.feed.key == "binance:BTC/USDT#1m"


def test_feed_of_a_series_is_keyed_by_its_exchange() -> None:
    kraken = Feed.of(SeriesKey.of("kraken", "ETH/USD", "5m"))

    assert kraken == Feed("ETH/USD", Timeframe("5m"), "kraken")
    assert kraken.key == "kraken:ETH/USD#5m"
    assert kraken.key != Feed.of(SeriesKey.of("binance", "ETH/USD", "5m")).key


def test_a_subscription_names_its_exchange() -> None:
    message = {"action": "subscribe", "exchange": "coinbase", "symbol": "BTC/USDT", "timeframe": "1h"}

    request = parse_feed_request(json.dumps(message))

    assert request.feed == Feed("BTC/USDT", Timeframe("1h"), "coinbase")
    assert ack_frame("subscribe", request.feed) == {
        "type": "subscribed",
        "exchange": "coinbase",
        "symbol": "BTC/USDT",
        "timeframe": "1h",
    }


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (None, "message is not JSON"),
        ("[1, 2]", "must be a JSON object, got list"),
        ('{"symbol": "BTC/USDT", "timeframe": "1m"}', "unknown action None"),
        ('{"action": "buy"}', "unknown action 'buy': the actions are subscribe, unsubscribe"),
        ('{"action": "subscribe", "timeframe": "1m"}', "invalid subscribe message: symbol: Field required"),
        (
            '{"action": "unsubscribe", "symbol": "BTC/USDT", "timeframe": 1}',
            "timeframe: Input should be a valid string",
        ),
        ('{"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "1m", "x": 1}', "x: Extra inputs"),
        ('{"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "2m"}', "'2m'"),
        ('{"action": "subscribe", "symbol": "BTC/BTC", "timeframe": "1m"}', "same asset"),
        ('{"action": "subscribe", "exchange": "ftx", "symbol": "BTC/USDT", "timeframe": "1m"}', "exchange: Input"),
        ('{"action": ' + "[" * 5000 + "]" * 5000 + "}", "nested 5001 levels deep; the limit is 32"),
    ],
)
def test_bad_message_is_refused_naming_the_problem(body: str | None, named: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_feed_request(body)

    assert named in refused.value.message


def test_candle_frames_carry_the_series_and_exact_decimal_strings() -> None:
    frame = candle_frame(
        [
            (JAN_1_2024, "42000.10", "42010", "41990.5", "42005.000000000000000001", "1.25"),
            (JAN_1_2024 + MINUTE, "42005", "42006", "42004", "42006", "0"),
        ]
    )

    frames = candle_frames(SeriesKey.of("binance", "BTC/USDT", "1m"), frame)

    assert frames[0] == {
        "type": "candle",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "timeframe": "1m",
        "candle": {
            "open_time": JAN_1_2024,
            "open": "42000.1",
            "high": "42010",
            "low": "41990.5",
            "close": "42005.000000000000000001",
            "volume": "1.25",
        },
    }
    assert [f["candle"]["open_time"] for f in frames] == [JAN_1_2024, JAN_1_2024 + MINUTE]


def test_ack_and_error_frames() -> None:
    feed = Feed("BTC/USDT", Timeframe("1m"))

    assert ack_frame("subscribe", feed) == {
        "type": "subscribed",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "timeframe": "1m",
    }
    assert ack_frame("unsubscribe", feed)["type"] == "unsubscribed"
    assert error_frame(NotFound("gone", details={"a": 1}), "unsubscribe") == {
        "type": "error",
        "error": "NotFound",
        "message": "gone",
        "action": "unsubscribe",
        "details": {"a": 1},
    }
    assert "action" not in error_frame(BadRequest("bad"))
