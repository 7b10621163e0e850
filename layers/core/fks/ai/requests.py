"""What ``POST /ai/notes`` and ``POST /ai/search`` accept; unknown fields are refused by name."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fks.ai.documents import DocumentKind

MAX_RESULTS = 50
EARLIEST_MS, LATEST_MS = 1_000_000_000_000, 4_102_444_800_000


class NoteRequest(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    text: str = Field(min_length=1, max_length=4000, description="the note, as an operator would write it")
    tags: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=10)
    symbol: str | None = Field(default=None, max_length=40, description="the market it is about: BTC/USDT")
    strategy_id: str | None = Field(default=None, max_length=64)


class MarketQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    exchange: str = Field(default="binance", min_length=1, max_length=32)
    symbol: str = Field(min_length=3, max_length=40, description="BTC/USDT")
    timeframe: str = Field(default="1h", min_length=2, max_length=4)
    # 2001 .. 2100: a time the candle store can name a day for (a date out of range is a 400, not a crash).
    at_ms: int | None = Field(
        default=None, ge=EARLIEST_MS, le=LATEST_MS, description="the bar to compare with; default: the newest stored"
    )


class SearchRequest(BaseModel):
    """Exactly one of ``text`` (notes, signals, backtests by meaning) or ``market`` (past signals
    whose bar's market state was closest to this market's state)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    text: str | None = Field(default=None, min_length=1, max_length=2000)
    market: MarketQuery | None = None
    k: int = Field(default=5, ge=1, le=MAX_RESULTS)
    kinds: list[DocumentKind] | None = Field(default=None, description="only these kinds (text searches)")

    @model_validator(mode="after")
    def _one_query(self) -> SearchRequest:
        if (self.text is None) == (self.market is None):
            raise ValueError("give exactly one of 'text' or 'market'")
        return self


class ScheduledIndexBuild(BaseModel):
    """AiFunction's schedule: the rule's constant Input (template.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    schedule: Literal["rebuild_ai_index"]
