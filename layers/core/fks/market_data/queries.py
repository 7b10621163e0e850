"""Queries of the market-data API, validated: symbols, timeframes, time ranges and page sizes.

Times are UTC epoch milliseconds or ISO 8601 text (``2024-01-01T00:00:00Z``). A history page is
the half-open range ``[start, start + limit * timeframe)`` clipped to ``end``; the response's
``next_start`` is where the next page starts, so paging needs no server-side state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.errors import BadRequest
from fks.execution import Venue
from fks.market_data.series import BASE_TIMEFRAME
from fks.market_data.timeframes import Timeframe, ceil_time, floor_time, is_multiple_of

MAX_PAGE = 1000
DEFAULT_PAGE = 500


def parse_time_ms(value: object, name: str) -> int:
    """Epoch ms (int or digits) or ISO 8601 text (naive means UTC) to epoch ms; ``BadRequest`` otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            f"{name} {value!r} is neither epoch milliseconds nor ISO 8601 (e.g. 2024-01-01T00:00:00Z)",
            details={name: str(value)},
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


class _Query(BaseModel):
    # defer_build (every model here): validators are built on first use, not at import (cold starts).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    # The venues collection reaches (an unknown one is a 400 listing them); Binance when unnamed.
    exchange: Venue = "binance"
    timeframe: Timeframe = BASE_TIMEFRAME
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)

    @model_validator(mode="after")
    def _buildable(self) -> Self:
        if not is_multiple_of(self.timeframe, BASE_TIMEFRAME):
            raise ValueError(f"timeframe {self.timeframe.value} cannot be built from {BASE_TIMEFRAME.value} candles")
        return self


class LatestQuery(_Query):
    limit: int = Field(default=1, ge=1, le=MAX_PAGE)


class HistoryQuery(_Query):
    start: int | None = None
    end: int | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, value: object) -> int | None:
        return None if value is None else parse_time_ms(value, "time")

    def page(self, now_ms: int) -> tuple[int, int, int | None]:
        """This page's ``[start, stop)`` and the next page's start (None on the last page)."""
        tf = self.timeframe
        end = floor_time(now_ms, tf) if self.end is None else min(self.end, floor_time(now_ms, tf))
        start = end - self.limit * tf.ms if self.start is None else ceil_time(self.start, tf)
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise BadRequest(
                f"start {self.start} must be before end {self.end}", details={"start": self.start, "end": self.end}
            )
        stop = min(end, start + self.limit * tf.ms)
        return start, max(start, stop), (stop if stop < end else None)
