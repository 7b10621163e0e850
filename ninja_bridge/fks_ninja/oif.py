"""NT8 ATI order instruction lines: one model per allowed command, rendered as 13 fields.

Field order, from NinjaTrader 8 Help Guide, "Order Instruction Files (OIF)" and "Commands and
Valid Parameters" (Operations > Automated Trading > Automated Trading Interface (ATI)):

    COMMAND;ACCOUNT;INSTRUMENT;ACTION;QTY;ORDER TYPE;LIMIT PRICE;STOP PRICE;TIF;OCO ID;ORDER ID;
    STRATEGY;STRATEGY ID

CANCELALLORDERS and FLATTENEVERYTHING act on every account and connection, so a bridge that
serves several prop-firm accounts must never send them: they have no model here, and
``OifCommand`` cannot hold them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fks_ninja.errors import InvalidOrderInstruction

FIELD_COUNT = 13
# NT8 splits on ';' and reads one instruction per line, so neither may appear inside a value.
_SAFE_TEXT = re.compile(r"^[^;\r\n]+$")

Price = Annotated[Decimal, Field(gt=0, max_digits=20)]
Text = Annotated[str, Field(min_length=1, max_length=64)]


class Action(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    STOPMARKET = "STOPMARKET"
    STOPLIMIT = "STOPLIMIT"


class Tif(StrEnum):
    DAY = "DAY"
    GTC = "GTC"


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_separators(cls, value: object) -> object:
        if isinstance(value, str) and not _SAFE_TEXT.match(value):
            raise ValueError("must not be empty or contain ';' or a line break")
        return value


class _Entry(_Command):
    """Shared by PLACE and REVERSEPOSITION, which take the same parameters."""

    account: Text
    instrument: Text
    action: Action
    quantity: int = Field(gt=0)
    order_type: OrderType
    limit_price: Price | None = None
    stop_price: Price | None = None
    tif: Tif = Tif.DAY
    oco_id: Text | None = None
    order_id: Text
    strategy: Text | None = None
    strategy_id: Text | None = None

    @model_validator(mode="after")
    def _prices_match_order_type(self) -> _Entry:
        needs_limit = self.order_type in (OrderType.LIMIT, OrderType.STOPLIMIT)
        needs_stop = self.order_type in (OrderType.STOPMARKET, OrderType.STOPLIMIT)
        if needs_limit != (self.limit_price is not None):
            raise ValueError(f"{self.order_type} order {'needs' if needs_limit else 'takes no'} limit price")
        if needs_stop != (self.stop_price is not None):
            raise ValueError(f"{self.order_type} order {'needs' if needs_stop else 'takes no'} stop price")
        return self

    def _entry_fields(self, command: str) -> list[str]:
        return [
            command,
            self.account,
            self.instrument,
            self.action.value,
            str(self.quantity),
            self.order_type.value,
            _price(self.limit_price),
            _price(self.stop_price),
            self.tif.value,
            self.oco_id or "",
            self.order_id,
            self.strategy or "",
            self.strategy_id or "",
        ]


class Place(_Entry):
    def fields(self) -> list[str]:
        return self._entry_fields("PLACE")


class ReversePosition(_Entry):
    def fields(self) -> list[str]:
        return self._entry_fields("REVERSEPOSITION")


class Cancel(_Command):
    order_id: Text
    strategy_id: Text | None = None

    def fields(self) -> list[str]:
        return ["CANCEL", "", "", "", "", "", "", "", "", "", self.order_id, "", self.strategy_id or ""]


class Change(_Command):
    """NT8 reads 0 as "leave unchanged" for quantity and prices, so None renders as 0."""

    order_id: Text
    quantity: int | None = Field(default=None, gt=0)
    limit_price: Price | None = None
    stop_price: Price | None = None
    strategy_id: Text | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> Change:
        if self.quantity is None and self.limit_price is None and self.stop_price is None:
            raise ValueError("CHANGE needs a new quantity, limit price or stop price")
        return self

    def fields(self) -> list[str]:
        qty = str(self.quantity) if self.quantity is not None else "0"
        limit = _price(self.limit_price) or "0"
        stop = _price(self.stop_price) or "0"
        return ["CHANGE", "", "", "", qty, "", limit, stop, "", "", self.order_id, "", self.strategy_id or ""]


class ClosePosition(_Command):
    account: Text
    instrument: Text

    def fields(self) -> list[str]:
        return ["CLOSEPOSITION", self.account, self.instrument, *([""] * 10)]


class CloseStrategy(_Command):
    strategy_id: Text

    def fields(self) -> list[str]:
        return ["CLOSESTRATEGY", *([""] * 11), self.strategy_id]


_C = TypeVar("_C", bound=_Command)

OifCommand = Place | ReversePosition | Cancel | Change | ClosePosition | CloseStrategy


def render(command: OifCommand) -> str:
    """One OIF line (no line break) with exactly 13 semicolon-separated fields."""
    fields = command.fields()
    if len(fields) != FIELD_COUNT:  # pragma: no cover - guards the field lists above
        raise AssertionError(f"{type(command).__name__} rendered {len(fields)} fields")
    return ";".join(fields)


def build(model: type[_C], **values: object) -> _C:
    """Build a command, turning pydantic's error into one naming every bad field."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or model.__name__}: {e['msg']}" for e in exc.errors()]
        raise InvalidOrderInstruction(
            f"invalid {model.__name__}: " + "; ".join(problems), details={"errors": problems}
        ) from exc


def _price(value: Decimal | None) -> str:
    # NT8 wants US decimal notation: '1212.25', never an exponent or a comma.
    return "" if value is None else format(value.normalize(), "f")
