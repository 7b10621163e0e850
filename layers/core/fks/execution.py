"""The execution contract: the order command the Rust ``execute_order`` function takes.

The same JSON as the Rust ``OrderCommand`` (``rust_lambda/crates/fks_execution_core``):
``snake_case`` fields, decimals as strings, unknown fields refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

TradingState = Literal["active", "reducing", "halted"]


class OrderCommand(BaseModel):
    """A request to place one order; ``client_order_id`` is its idempotency key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_order_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,36}$")
    signal_id: str | None = None
    account: str = Field(min_length=1)
    symbol: str = Field(min_length=1)
    side: Literal["buy", "sell"]
    type: Literal["market", "limit", "stop_market", "stop_limit"]
    quantity: Decimal = Field(gt=0)
    price: Decimal | None = Field(default=None, gt=0)
    stop_price: Decimal | None = Field(default=None, gt=0)
    time_in_force: Literal["GTC", "IOC", "FOK"] = "GTC"
    reduce_only: bool = False

    @field_serializer("quantity", "price", "stop_price")
    def _decimal_as_string(self, value: Decimal | None) -> str | None:
        # The Rust side refuses a JSON number for a decimal: it would have been a float once.
        return None if value is None else str(value)
