"""The bridge's reports as the platform accepts them: one model per ``POST /ninja/*`` body.

Field for field what ``fks_ninja.reporter.HttpFillReporter`` sends (the dataclasses ``Fill`` and
``OrderStatusChange`` in ``fks_ninja/tracker.py``, ``PositionUpdate`` in ``fks_ninja/outgoing.py``,
and the refusal's three fields); money arrives as a decimal string and stays ``Decimal``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fks.decimals import NonNegativeDecimal, PositiveDecimal
from fks.execution import ACCOUNT_PATTERN
from fks.ninja.contracts import CONTRACT_PATTERN, INSTRUMENT_PATTERN

# The bridge names each NT8 order ``fks`` + 10 hex + ``-`` + up to 22 characters of its signal id
# (``fks_ninja.bridge._order_id``, NinjaScript's ``FksReports.PlatformOrderId``); an id of any other
# shape ("0", an engine order's id) is refused at the edge. Accounts as the engine's API takes them.
NINJA_ORDER_ID_PATTERN = r"^fks[0-9a-f]{10}-[A-Za-z0-9_-]{1,22}$"
OrderId = Annotated[
    str, Field(pattern=NINJA_ORDER_ID_PATTERN, description="the bridge's id: fks + 10 hex + '-' + signal id")
]
SignalId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")]
Account = Annotated[str, Field(pattern=ACCOUNT_PATTERN)]
Price = NonNegativeDecimal
# Far above any order an account could hold, and it keeps every figure inside DynamoDB's numbers.
MAX_CONTRACTS = 1_000_000


class Nt8OrderState(StrEnum):
    """NT8's order states as its order state files spell them (``fks_ninja.outgoing.OrderState``)."""

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


class _Report(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class NinjaFillReport(_Report):
    """``POST /ninja/fills``: one fill, the difference between two cumulative order snapshots."""

    order_id: OrderId
    signal_id: SignalId
    account: Account
    instrument: str = Field(pattern=CONTRACT_PATTERN, description="NT8 contract name, e.g. 'ES 12-25'")
    action: Literal["BUY", "SELL"]
    quantity: int = Field(gt=0, le=MAX_CONTRACTS, description="contracts in this fill")
    price: PositiveDecimal
    cumulative_filled: int = Field(
        gt=0, le=MAX_CONTRACTS, description="contracts of the order filled so far, this fill included"
    )

    @model_validator(mode="after")
    def _cumulative_covers_this_fill(self) -> NinjaFillReport:
        if self.cumulative_filled < self.quantity:
            raise ValueError(f"cumulative_filled {self.cumulative_filled} is less than this fill's {self.quantity}")
        return self

    @property
    def signed_quantity(self) -> int:
        return self.quantity if self.action == "BUY" else -self.quantity


class NinjaOrderStateReport(_Report):
    """``POST /ninja/orders``: an order's new NT8 state with its cumulative fill."""

    order_id: OrderId
    signal_id: SignalId
    state: Nt8OrderState
    filled: int = Field(ge=0, le=MAX_CONTRACTS)
    average_fill_price: Price


class NinjaPositionReport(_Report):
    """``POST /ninja/positions``: what NT8's position file says (the broker's view of the position)."""

    instrument: str = Field(pattern=INSTRUMENT_PATTERN, description="'ES 12-25' or 'ES 12-25 Globex'")
    account: Account
    position: Literal["LONG", "SHORT", "FLAT"]
    quantity: int = Field(ge=0, le=MAX_CONTRACTS)
    average_entry_price: Price

    @model_validator(mode="after")
    def _flat_means_zero(self) -> NinjaPositionReport:
        if (self.position == "FLAT") != (self.quantity == 0):
            raise ValueError(f"position {self.position} with quantity {self.quantity}")
        return self

    @property
    def signed_quantity(self) -> int:
        return -self.quantity if self.position == "SHORT" else self.quantity


class NinjaRefusalReport(_Report):
    """``POST /ninja/refusals``: a signal the bridge refused, or ``account:<key>:<trading day>``
    when a breach flattened an account."""

    signal_id: str = Field(pattern=r"^[A-Za-z0-9_.:@-]{1,160}$")
    reason: str = Field(min_length=1, max_length=2000)
    rule: str | None = Field(default=None, max_length=100)
