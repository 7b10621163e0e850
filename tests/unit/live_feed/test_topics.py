from __future__ import annotations

import json
from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeSerializer

from fks.errors import BadRequest
from fks.live_feed import TopicRequest, parse_feed_request
from fks.live_topics import Topic, update_frame
from fks_adapters.live_feed.record_changes import frames_for, image, table_of

_SERIALIZER = TypeSerializer()


def _raw(item: dict[str, object]) -> dict[str, object]:
    return {key: _SERIALIZER.serialize(value) for key, value in item.items()}


def test_a_topic_subscription_is_parsed_into_its_topic() -> None:
    request = parse_feed_request('{"action": "subscribe", "topic": "signals"}')

    assert isinstance(request, TopicRequest)
    assert request.feed == Topic("signals")
    assert request.feed.key == "topic#signals"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('{"action": "subscribe", "topic": "gossip"}', "topics: signals, orders, fills, portfolio, health"),
        ('{"action": "subscribe", "topic": "orders", "symbol": "BTC/USDT"}', "symbol: Extra inputs are not permitted"),
    ],
)
def test_a_bad_topic_subscription_is_refused_naming_the_problem(body: str, says: str) -> None:
    with pytest.raises(BadRequest, match=says):
        parse_feed_request(body)


def test_an_update_frame_keeps_numbers_exact_and_never_carries_a_task_token() -> None:
    frame = update_frame("signals", "MODIFY", {"signal_id": "s1", "quantity": Decimal("0.00100"), "task_token": "x"})

    assert frame == {
        "type": "update",
        "topic": "signals",
        "change": "MODIFY",
        "record": {"signal_id": "s1", "quantity": "0.00100"},
    }


def test_the_table_is_read_from_the_stream_arn() -> None:
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/fks-orders-dev/stream/2026-12-04T20:00:00.000"

    assert table_of(arn) == "fks-orders-dev"


def test_an_order_change_is_its_listed_state_and_one_frame_per_new_fill() -> None:
    first = {"trade_id": "1", "price": "100.5", "qty": "0.5"}
    second = {"trade_id": "2", "price": "100.6", "qty": "0.5"}
    old = image(
        _raw(
            {
                "client_order_id": "o1",
                "account": "a",
                "created_ms": 5,
                "status": "partially_filled",
                "report": json.dumps({"symbol": "BTCUSDT", "status": "partially_filled", "fills": [first]}),
            }
        )
    )
    new = image(
        _raw(
            {
                "client_order_id": "o1",
                "account": "a",
                "created_ms": 5,
                "status": "filled",
                "report": json.dumps({"symbol": "BTCUSDT", "status": "filled", "fills": [first, second]}),
            }
        )
    )

    frames = frames_for("orders", "MODIFY", old, new)

    assert [f["topic"] for f in frames] == ["orders", "fills"]
    assert frames[0]["record"] == {
        "symbol": "BTCUSDT",
        "status": "filled",
        "client_order_id": "o1",
        "account": "a",
        "created_ms": "5",
    }
    assert frames[1]["record"] == {**second, "client_order_id": "o1", "account": "a", "symbol": "BTCUSDT"}


def test_a_trading_state_change_is_the_accounts_health_part() -> None:
    new = image(_raw({"account": "binance-spot", "state": "halted", "reason": "manual"}))

    (frame,) = frames_for("health", "MODIFY", {}, new)

    assert frame["record"] == {
        "part": "trading:binance-spot",
        "account": "binance-spot",
        "state": "halted",
        "reason": "manual",
    }
