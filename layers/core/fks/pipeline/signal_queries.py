"""What ``GET /signals`` takes: the listing's filters and paging."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fks.pipeline.outcomes import SignalStatus
from fks.signals import SYMBOL_PATTERN, AssetClass


class SignalsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: SignalStatus | None = Field(
        default=None, description="Only signals in this status, newest change first (any day)"
    )
    day: str | None = Field(
        default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="UTC day of creation when no status (default today)"
    )
    asset_class: AssetClass | None = Field(default=None, description="Only spot or only futures signals")
    symbol: str | None = Field(
        default=None, pattern=SYMBOL_PATTERN, description="Only this symbol: 'BTC/USDT' or a contract like 'ES 12-25'"
    )
    account: str | None = Field(
        default=None, min_length=1, max_length=64, description="Only signals for this account (the signal's account)"
    )
    since: int | None = Field(
        default=None,
        ge=0,
        description="Only signals whose status changed at or after this UTC epoch ms (a chart script's start time)",
    )
    limit: int = Field(
        default=50,
        ge=1,
        le=200,
        description="Signals read per page; filters apply after it, so a page can be short: follow next_token",
    )
    next_token: str | None = Field(default=None, max_length=2048)
