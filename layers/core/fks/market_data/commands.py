"""Contracts between the market-data functions (and their API bodies): frozen, extra fields forbidden."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fks.market_data.symbols import validate_symbol
from fks.market_data.timeframes import Timeframe

MAX_HISTORY_DAYS = 3660


class _Contract(BaseModel):
    # defer_build: validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class AssetRef(_Contract):
    exchange: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9]+$")
    symbol: str

    @field_validator("symbol")
    @classmethod
    def _unified(cls, value: str) -> str:
        return validate_symbol(value)


class EnableAsset(AssetRef):
    """``POST /assets/enable``: ``history_days`` absent means the deployment's default depth."""

    timeframe: Timeframe = Timeframe.M1
    history_days: int | None = Field(default=None, ge=0, le=MAX_HISTORY_DAYS)


class DisableAsset(AssetRef):
    pass


class BackfillRequest(AssetRef):
    """Repair ``[start_ms, end_ms)`` of one series (the ``backfill`` function's event)."""

    timeframe: Timeframe = Timeframe.M1
    start_ms: int = Field(ge=0)
    end_ms: int = Field(ge=0)
    reason: str = ""
