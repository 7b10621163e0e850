"""The execution contract: the commands the Rust ``execute_order`` function takes.

The same JSON as the Rust ``OrderCommand`` and ``CancelCommand``
(``rust_lambda/crates/fks_execution_core/src/command.rs``): ``snake_case`` fields, decimals as
strings, unknown fields refused. A cancel is told apart by its ``action`` field, which an order
command does not have.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from fks.decimals import PositiveDecimal
from fks.errors import BadRequest

TradingState = Literal["active", "reducing", "halted"]
CLIENT_ORDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,36}$"
# Exchange and NinjaTrader account names (binance-spot, Sim101, APEX-123456-01, ...).
ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$"


class OrderCommand(BaseModel):
    """A request to place one order; ``client_order_id`` is its idempotency key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_order_id: str = Field(pattern=CLIENT_ORDER_ID_PATTERN)
    signal_id: str | None = None
    account: str = Field(min_length=1)
    symbol: str = Field(min_length=1)
    side: Literal["buy", "sell"]
    type: Literal["market", "limit", "stop_market", "stop_limit"]
    quantity: PositiveDecimal
    price: PositiveDecimal | None = None
    stop_price: PositiveDecimal | None = None
    time_in_force: Literal["GTC", "IOC", "FOK"] = "GTC"
    reduce_only: bool = False

    @field_serializer("quantity", "price", "stop_price")
    def _decimal_as_string(self, value: Decimal | None) -> str | None:
        # The Rust side refuses a JSON number for a decimal: it would have been a float once.
        return None if value is None else str(value)


class CancelOrderCommand(BaseModel):
    """A request to cancel the open order ``client_order_id``; cancelling twice is harmless."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: Literal["cancel"] = "cancel"
    client_order_id: str = Field(pattern=CLIENT_ORDER_ID_PATTERN)
    account: str = Field(min_length=1)


def account_name(value: str) -> str:
    """``value`` if it is a well-formed account name, else ``BadRequest`` naming it."""
    if re.fullmatch(ACCOUNT_PATTERN, value) is None:
        problem = "must be 1-64 letters, digits or _.:@- starting with a letter or digit"
        raise BadRequest(
            f"invalid request: account {value!r} {problem}",
            details={"problems": [{"field": "account", "problem": problem}]},
        )
    return value
