"""The signal contract: what a strategy emits and the pipeline carries to execution."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fks.decimals import PositiveDecimal
from fks.errors import BadRequest
from fks.execution import Protection

# Step Functions execution names allow 1-80 characters of this set, and the signal id is the
# execution name, so the id must be one.
_EXECUTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_UNIFIED_SYMBOL = re.compile(r"^[A-Z0-9]{1,20}/[A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$|^[A-Z0-9]{1,10} \d{2}-\d{2}$")
SYMBOL_PATTERN = _UNIFIED_SYMBOL.pattern  # for query parameters that name a signal's symbol

# Step Functions holds a task token for up to a year; a trading signal a week old is stale.
MAX_APPROVAL_WINDOW_S = 7 * 24 * 3600


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class ApprovalMode(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"


class AssetClass(StrEnum):
    SPOT = "spot"
    FUTURES = "futures"


class InvalidSignal(BadRequest):
    """A signal that breaks its contract; the pipeline records it as rejected, never retries."""


class Signal(BaseModel):
    # defer_build: validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    signal_id: str
    strategy_id: str = Field(min_length=1, max_length=64)
    exchange: str = Field(min_length=1, max_length=32)
    symbol: str
    side: Side
    quantity: PositiveDecimal
    limit_price: PositiveDecimal | None = None
    timeframe: str = Field(min_length=2, max_length=4)
    bar_time: int = Field(ge=0, description="Open time of the bar that produced it, UTC epoch ms")
    mode: ApprovalMode = ApprovalMode.AUTO
    # How long a manual signal waits for a person before it expires; None: the stack's default.
    approval_window_s: int | None = Field(default=None, ge=1, le=MAX_APPROVAL_WINDOW_S)
    asset_class: AssetClass = AssetClass.SPOT
    account: str = Field(default="default", min_length=1, max_length=64)
    # The strategy's protective exits for the position this signal opens (the engine places them
    # once the entry fills); None: no exits.
    protection: Protection | None = None

    @field_validator("signal_id")
    @classmethod
    def _signal_id_is_execution_name(cls, value: str) -> str:
        if not _EXECUTION_NAME.match(value):
            raise ValueError("must be 1-80 characters of letters, digits, '-' and '_'")
        return value

    @field_validator("symbol")
    @classmethod
    def _symbol_is_unified(cls, value: str) -> str:
        if not _UNIFIED_SYMBOL.match(value):
            raise ValueError("must be a unified symbol like 'BTC/USDT' or a futures contract like 'ES 12-25'")
        return value


def parse_signal(payload: object) -> Signal:
    """Parse untrusted input into a Signal, naming every field that is wrong."""
    try:
        return Signal.model_validate(payload)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()]
        raise InvalidSignal("invalid signal: " + "; ".join(problems), details={"errors": problems}) from exc
