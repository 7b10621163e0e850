"""The live feed's record topics, beside its candle feeds: a dashboard subscribes to
``{"action": "subscribe", "topic": "signals"}`` and receives an ``update`` frame each time a
record of that kind changes (pushed from the tables' change streams), so its pages follow the
platform without a reload. Money and quantities stay exact decimal strings, as in the REST API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, get_args

# Apart from fks.live_feed, which brings pandas for candles: the functions that push records need none.
TopicName = Literal["signals", "orders", "fills", "portfolio", "health"]
TOPICS: tuple[str, ...] = get_args(TopicName)
# Never pushed: a waiting signal's task token resumes its execution (only the approval API may).
PRIVATE_FIELDS = frozenset({"task_token"})


@dataclass(frozen=True, slots=True)
class Topic:
    name: str

    @property
    def key(self) -> str:
        """The subscription's index key in the connections table (candle feeds are ``SYMBOL#tf``)."""
        return f"topic#{self.name}"

    def as_dict(self) -> dict[str, object]:
        return {"topic": self.name}

    def describe(self) -> str:
        return f"topic {self.name}"


def plain(value: Any) -> Any:
    """A DynamoDB image's values as JSON: Decimals as exact strings, sets as sorted lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in PRIVATE_FIELDS}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (bytes, bytearray)):
        return None
    return value


def update_frame(topic: str, change: str, record: dict[str, Any]) -> dict[str, Any]:
    """``{"type": "update", "topic", "change": INSERT|MODIFY|REMOVE, "record"}``."""
    return {"type": "update", "topic": topic, "change": change, "record": plain(record)}
