"""The execution contract: the commands the Rust ``execute_order`` function takes and what it
answers.

The same JSON as the Rust ``OrderCommand``, ``CancelCommand``, sync command and reports
(``rust_lambda/crates/fks_execution_core/src/command.rs``, ``report.rs``; the agreed shapes are in
the sync-and-exits contract): ``snake_case`` fields, decimals as strings, unknown fields refused.
A cancel or a sync is told apart by its ``action`` field, which an order command does not have.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, field_serializer, model_serializer

from fks.decimals import PositiveDecimal, StrictDecimal
from fks.errors import BadRequest

TradingState = Literal["active", "reducing", "halted"]
CLIENT_ORDER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,36}$"
# Exchange and NinjaTrader account names (binance-spot, Sim101, APEX-123456-01, ...).
ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$"
# The venue a command goes to, by ccxt's id; absent, the engine's configured venue (Binance).
Venue = Literal["binance", "kraken", "coinbase"]
# How an account trades: simulated fills (no key), a venue's sandbox with a key, or production.
AccountMode = Literal["paper", "testnet", "live"]


# As the backtester bounds them: a stop below 100 % (a stop at -100 % is no stop), a take-profit
# up to a hundredfold.
StopPercent = Annotated[StrictDecimal, Field(gt=0, lt=100)]
TakeProfitPercent = Annotated[StrictDecimal, Field(gt=0, le=10000)]


class Protection(BaseModel):
    """The exits that protect the position an order opens or increases, each in percent of the
    entry's fill price (2 = 2 %), as the backtester's ``stop_loss_pct`` / ``take_profit_pct``;
    ``trailing_stop_pct`` trails the best price since entry. Absent: no such exit."""

    # defer_build: validators are built on first use, not at import: an API function's cold start
    # imports these models for one route and should not build every model of the module.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    stop_loss_pct: StopPercent | None = None
    take_profit_pct: TakeProfitPercent | None = None
    trailing_stop_pct: StopPercent | None = None

    @field_serializer("stop_loss_pct", "take_profit_pct", "trailing_stop_pct")
    def _decimal_as_string(self, value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    @property
    def is_empty(self) -> bool:
        return self.stop_loss_pct is None and self.take_profit_pct is None and self.trailing_stop_pct is None


class OrderCommand(BaseModel):
    """A request to place one order; ``client_order_id`` is its idempotency key."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
    protection: Protection | None = None
    venue: Venue | None = None

    @field_serializer("quantity", "price", "stop_price")
    def _decimal_as_string(self, value: Decimal | None) -> str | None:
        # The Rust side refuses a JSON number for a decimal: it would have been a float once.
        return None if value is None else str(value)

    @model_serializer(mode="wrap")
    def _no_protection_no_field(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # An order without exits (or without a venue) says nothing about them, so an engine that
        # predates them reads it.
        dumped: dict[str, Any] = handler(self)
        for optional in ("protection", "venue"):
            if dumped.get(optional) is None:
                dumped.pop(optional, None)
        return dumped


class _NamesItsVenue(BaseModel):
    """A command that may name its venue; without one it carries no ``venue`` field, so an
    engine that predates venues reads it."""

    model_config = ConfigDict(defer_build=True)  # as its subclasses: built on first use

    venue: Venue | None = None

    @model_serializer(mode="wrap")
    def _no_venue_no_field(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        if dumped.get("venue") is None:
            dumped.pop("venue", None)
        return dumped


class CancelOrderCommand(_NamesItsVenue):
    """A request to cancel the open order ``client_order_id``; cancelling twice is harmless."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    action: Literal["cancel"] = "cancel"
    client_order_id: str = Field(pattern=CLIENT_ORDER_ID_PATTERN)
    account: str = Field(min_length=1)


class AmendOrderCommand(_NamesItsVenue):
    """Replace the working order ``client_order_id`` by ``new_client_order_id`` with the given
    quantity and prices (the old ones where left out): one cancel-replace on the venue, which
    places the new order only if the old one was canceled. Idempotent by ``new_client_order_id``."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    action: Literal["amend"] = "amend"
    client_order_id: str = Field(pattern=CLIENT_ORDER_ID_PATTERN)
    account: str = Field(min_length=1)
    new_client_order_id: str = Field(pattern=CLIENT_ORDER_ID_PATTERN)
    quantity: PositiveDecimal | None = None
    price: PositiveDecimal | None = None
    stop_price: PositiveDecimal | None = None

    @field_serializer("quantity", "price", "stop_price")
    def _decimal_as_string(self, value: Decimal | None) -> str | None:
        return None if value is None else str(value)


class SyncCommand(_NamesItsVenue):
    """Ask the engine to learn what happened to the account's working orders at the venue: late
    fills, cancels and expiries, orders whose placement outcome is unknown, trades it never placed."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    action: Literal["sync"] = "sync"
    account: str = Field(pattern=ACCOUNT_PATTERN)


# An order's status as the engine names it (fks_execution_core::OrderStatus).
OrderStatus = Literal[
    "initialized",
    "denied",
    "submitted",
    "accepted",
    "rejected",
    "triggered",
    "pending_cancel",
    "canceled",
    "expired",
    "partially_filled",
    "filled",
]


class _Answer(BaseModel):
    # What the engine answers: read strictly (a field neither side knows is a contract break the
    # contract tests must catch), decimals parsed from their JSON strings.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Fill(_Answer):
    """One execution of an order; ``trade_id`` is the venue's, unique per symbol."""

    trade_id: str = Field(min_length=1)
    client_order_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: Decimal = Field(gt=0)
    price: Decimal = Field(gt=0)
    fee: Decimal = Decimal(0)
    ts_ms: int = Field(ge=0)


class ExitOrder(_Answer):
    """A protective exit the engine placed for a filled entry."""

    client_order_id: str
    kind: Literal["stop_loss", "take_profit", "oco", "trailing_stop"]
    venue_order_id: str | None = None
    stop_price: Decimal | None = None
    price: Decimal | None = None
    quantity: Decimal
    status: OrderStatus


class PositionReport(_Answer):
    symbol: str
    side: Literal["flat", "long", "short"]
    quantity: Decimal
    avg_entry_price: Decimal
    realized_pnl: Decimal
    unrealized_pnl: Decimal
    fees: Decimal


class ExecutionReport(_Answer):
    """The state of one order after a call to the engine; ``fills`` are only the fills that call
    booked (earlier ones were reported before)."""

    client_order_id: str
    signal_id: str | None = None
    account: str
    symbol: str  # the engine's spelling (BTCUSDT), as the command named it
    # BASE/QUOTE, when the engine that made the report knew the instrument (placements, cancels).
    unified_symbol: str | None = None
    side: Literal["buy", "sell"]
    type: Literal["market", "limit", "stop_market", "stop_limit"]
    venue_order_id: str | None = None
    status: OrderStatus
    quantity: Decimal
    filled_qty: Decimal
    leaves_qty: Decimal
    avg_fill_price: Decimal | None = None
    fees: Decimal
    fills: tuple[Fill, ...] = ()
    reason: str | None = None
    duplicate: bool = False
    position: PositionReport | None = None
    ts_ms: int
    exits: tuple[ExitOrder, ...] = ()


class ForeignFill(_Answer):
    """A trade on the account for an order the platform never placed: reported, never booked."""

    trade_id: str
    venue_order_id: str | None = None
    symbol: str
    side: Literal["buy", "sell"]
    quantity: Decimal
    price: Decimal
    fee: Decimal = Decimal(0)
    fee_asset: str | None = None
    ts_ms: int


class SyncResult(_Answer):
    """The engine's answer to a :class:`SyncCommand`. ``unreachable``: the venue could not be
    reached and nothing was changed (retry next run)."""

    action: Literal["sync"] = "sync"
    account: str
    ts_ms: int
    reports: tuple[ExecutionReport, ...] = ()
    foreign_fills: tuple[ForeignFill, ...] = ()
    open_orders: int = Field(default=0, ge=0)
    unreachable: bool = False


OPEN_ORDER_STATUSES = frozenset({"submitted", "accepted", "triggered", "pending_cancel", "partially_filled"})


def account_name(value: str) -> str:
    """``value`` if it is a well-formed account name, else ``BadRequest`` naming it."""
    if re.fullmatch(ACCOUNT_PATTERN, value) is None:
        problem = "must be 1-64 letters, digits or _.:@- starting with a letter or digit"
        raise BadRequest(
            f"invalid request: account {value!r} {problem}",
            details={"problems": [{"field": "account", "problem": problem}]},
        )
    return value
