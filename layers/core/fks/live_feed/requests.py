"""A client's subscribe/unsubscribe message, parsed and validated into a feed (exchange, symbol
and timeframe; the exchange is ``binance`` when the message names none).

The WebSocket API selects the route from ``action``; the body is validated again here because
``$default`` also receives whatever a client sends, and an error frame must name what was wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from fks.errors import BadRequest
from fks.execution import Venue
from fks.json_limits import read_json
from fks.live_topics import TOPICS, Topic, TopicName
from fks.market_data.storage import SeriesKey
from fks.market_data.symbols import validate_symbol
from fks.market_data.timeframes import Timeframe, parse_timeframe

ACTIONS = ("subscribe", "unsubscribe")


@dataclass(frozen=True, slots=True)
class Feed:
    """One live series clients subscribe to: an exchange's unified symbol at one timeframe."""

    symbol: str
    timeframe: Timeframe
    exchange: str = "binance"

    @property
    def key(self) -> str:
        """The feed's index key in the connections table, e.g. ``kraken:BTC/USDT#1m``. The
        exchange became part of it with a second venue: a subscription made before (keyed
        ``BTC/USDT#1m``) lives as long as its connection, at most two hours, and is not migrated."""
        return f"{self.exchange}:{self.symbol}#{self.timeframe.value}"

    @classmethod
    def of(cls, series: SeriesKey) -> Feed:
        return cls(series.symbol, series.timeframe, series.exchange)

    def as_dict(self) -> dict[str, object]:
        return {"exchange": self.exchange, "symbol": self.symbol, "timeframe": self.timeframe.value}


class FeedRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    action: Literal["subscribe", "unsubscribe"]
    symbol: str
    timeframe: str
    exchange: Venue = "binance"

    @property
    def feed(self) -> Feed:
        return Feed(validate_symbol(self.symbol), parse_timeframe(self.timeframe), self.exchange)


class TopicRequest(BaseModel):
    """A subscription to a record topic (``fks.live_feed.topics``) instead of a candle feed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: Literal["subscribe", "unsubscribe"]
    topic: TopicName

    @property
    def feed(self) -> Topic:
        return Topic(self.topic)


def parse_feed_request(body: str | None) -> FeedRequest | TopicRequest:
    """The message as a request whose feed is valid, or ``BadRequest`` naming every problem."""
    try:
        message = read_json(body or "")  # a message nested thousands deep is a 400, not a RecursionError
    except json.JSONDecodeError as exc:
        raise BadRequest(
            f'message is not JSON ({exc.msg}); send {{"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "1m"}}'
        ) from None
    if not isinstance(message, dict):
        raise BadRequest(f"message must be a JSON object, got {type(message).__name__}")
    action = message.get("action")
    if action not in ACTIONS:
        raise BadRequest(f"unknown action {action!r}: the actions are {', '.join(ACTIONS)}", details={"action": action})
    if "topic" in message:
        return _topic_request(message, str(action))
    try:
        request = FeedRequest.model_validate(message)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}" for e in exc.errors())
        raise BadRequest(f"invalid {action} message: {problems}", details={"action": action}) from None
    request.feed  # noqa: B018 - raises BadRequest naming a bad symbol or timeframe
    return request


def _topic_request(message: dict[str, object], action: str) -> TopicRequest:
    try:
        return TopicRequest.model_validate(message)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}" for e in exc.errors())
        raise BadRequest(
            f"invalid {action} message: {problems} (topics: {', '.join(TOPICS)})", details={"action": action}
        ) from None
