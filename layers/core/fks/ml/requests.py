"""What ``POST /models/{asset}/train`` takes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TrainRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    exchange: str = "binance"
    timeframe: str = "1h"
    # A year of 1h bars trains in ~20 s on one vCPU; API Gateway cuts a request at 29 s.
    days: int = Field(default=180, ge=1, le=3650)
    end_ms: int | None = None
