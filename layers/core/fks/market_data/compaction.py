"""What a run of the candle compaction takes (``functions/compact_candles``)."""

from __future__ import annotations

from pydantic import Field

from fks.invocations import ScheduledRun


class CompactionRun(ScheduledRun):
    """A schedule run (EventBridge's event, or ``{}``), or an operator's ``{"days_back": 7}``."""

    days_back: int = Field(default=1, ge=0, le=366, description="days before today to fold as well")
