"""Parsers for NT8's ``outgoing`` information update files.

Formats, from NinjaTrader 8 Help Guide, "Information Update Files":
- order state file ``<ORDER ID>.txt``: ``Order State;Filled Amount;Average Fill Price``
- position file ``<Instrument Name> <Exchange>_<Account>_Position.txt`` (e.g.
  ``ES 0914 Globex_Sim101_Position.txt``): ``Market Position;Quantity;Average Entry Price`` with
  LONG, SHORT or FLAT
- connection file ``<Connection Name>.txt``: ``CONNECTED`` or ``DISCONNECTED``
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from fks_ninja.errors import MalformedOutgoingFile

POSITION_SUFFIX = "_Position.txt"


class OrderState(StrEnum):
    """NT8's OrderState names; the file spells them in upper case (``PARTFILLED``)."""

    INITIALIZED = "INITIALIZED"
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    WORKING = "WORKING"
    TRIGGERPENDING = "TRIGGERPENDING"
    CHANGEPENDING = "CHANGEPENDING"
    CHANGESUBMITTED = "CHANGESUBMITTED"
    CANCELPENDING = "CANCELPENDING"
    CANCELSUBMITTED = "CANCELSUBMITTED"
    PARTFILLED = "PARTFILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    UNKNOWN = "UNKNOWN"

    @property
    def is_terminal(self) -> bool:
        return self in (OrderState.FILLED, OrderState.CANCELLED, OrderState.REJECTED)


class MarketPosition(StrEnum):
    LONG = "LONG"
    SHORT = "SHORT"
    FLAT = "FLAT"


@dataclass(frozen=True)
class OrderStateUpdate:
    order_id: str
    state: OrderState
    filled: int
    average_fill_price: Decimal


@dataclass(frozen=True)
class PositionUpdate:
    instrument: str
    account: str
    position: MarketPosition
    quantity: int
    average_entry_price: Decimal

    @property
    def signed_quantity(self) -> int:
        return -self.quantity if self.position is MarketPosition.SHORT else self.quantity


@dataclass(frozen=True)
class ConnectionUpdate:
    connection: str
    connected: bool


def parse_order_state(order_id: str, text: str) -> OrderStateUpdate:
    state, filled, price = _fields(text, 3, f"order state file {order_id}.txt")
    # Spaces and case vary between versions ("Part filled" on screen, PARTFILLED in files).
    normalised = state.replace(" ", "").replace("_", "").upper()
    try:
        return OrderStateUpdate(order_id, OrderState(normalised), _count(filled), _decimal(price))
    except ValueError as exc:
        raise MalformedOutgoingFile(f"order state file {order_id}.txt: {exc}") from exc


def parse_position(file_name: str, text: str) -> PositionUpdate:
    if not file_name.endswith(POSITION_SUFFIX):
        raise MalformedOutgoingFile(f"{file_name} is not a position file")
    # Instrument names contain spaces but no '_'; account names may contain '_', so split once.
    instrument, sep, account = file_name.removesuffix(POSITION_SUFFIX).partition("_")
    if not sep or not instrument or not account:
        raise MalformedOutgoingFile(f"{file_name}: expected <instrument>_<account>_Position.txt")
    position, quantity, price = _fields(text, 3, file_name)
    try:
        return PositionUpdate(instrument, account, MarketPosition(position.upper()), _count(quantity), _decimal(price))
    except ValueError as exc:
        raise MalformedOutgoingFile(f"{file_name}: {exc}") from exc


def parse_connection(file_name: str, text: str) -> ConnectionUpdate:
    state = text.strip().upper()
    if state not in ("CONNECTED", "DISCONNECTED"):
        raise MalformedOutgoingFile(f"{file_name}: connection state {state!r} is not CONNECTED or DISCONNECTED")
    return ConnectionUpdate(file_name.removesuffix(".txt"), state == "CONNECTED")


def _fields(text: str, count: int, where: str) -> list[str]:
    fields = [field.strip() for field in text.strip().split(";")]
    if len(fields) != count:
        raise MalformedOutgoingFile(f"{where}: expected {count} ';'-separated fields, got {text.strip()!r}")
    return fields


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(f"negative quantity {value}")
    return value


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not a decimal price") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"{text!r} is not a valid price")
    return value
