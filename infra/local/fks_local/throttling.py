"""Usage-plan throttling and quotas per key, and stage throttling, with API Gateway's numbers.

A token bucket per key: ``rate`` tokens a second, holding at most ``burst``; a request takes one
or gets a 429 with how long until the next token. Quotas count requests per day/week/month.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class TokenBucket:
    rate: float
    burst: int
    tokens: float = -1.0
    updated: float = 0.0

    def take(self, now: float) -> float:
        """0 if a request may pass now, else the seconds until it may."""
        if self.tokens < 0:
            self.tokens, self.updated = float(self.burst), now
        # A clock that steps back (a test's frozen clock released) refills nothing; the bucket is
        # re-anchored at the new reading so that refilling resumes from there.
        self.tokens = min(float(self.burst), self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else math.inf


@dataclass(frozen=True)
class PlanLimits:
    rate: float | None
    burst: int | None
    quota: int | None
    period: str = "DAY"


def _period_key(period: str, now: datetime) -> str:
    if period == "WEEK":
        year, week, _ = now.isocalendar()
        return f"{year}-W{week}"
    if period == "MONTH":
        return now.strftime("%Y-%m")
    return now.strftime("%Y-%m-%d")


@dataclass
class Limiter:
    """Decides per request: None to pass, or (gateway response kind, Retry-After seconds)."""

    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, TokenBucket] = field(default_factory=dict)
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, identity: str, limits: PlanLimits, now: datetime | None = None) -> tuple[str, int] | None:
        with self._lock:
            if limits.rate is not None and limits.burst is not None:
                bucket = self._buckets.setdefault(identity, TokenBucket(limits.rate, limits.burst))
                wait = bucket.take(self.clock())
                if wait > 0:
                    return "THROTTLED", max(1, math.ceil(wait))
            if limits.quota is not None:
                key = (identity, _period_key(limits.period, now or datetime.now(UTC)))
                if self._counts.get(key, 0) >= limits.quota:
                    return "QUOTA_EXCEEDED", 3600
                self._counts[key] = self._counts.get(key, 0) + 1
        return None


def stage_limits(method_settings: list[dict[str, Any]]) -> PlanLimits | None:
    """The stage-wide throttle from its ``/*`` ``*`` method setting, if it has one."""
    for setting in method_settings:
        if (
            setting.get("ResourcePath") == "/*"
            and setting.get("HttpMethod") == "*"
            and "ThrottlingRateLimit" in setting
        ):
            return PlanLimits(
                rate=float(setting["ThrottlingRateLimit"]),
                burst=int(setting.get("ThrottlingBurstLimit", 0)),
                quota=None,
            )
    return None
