"""Which usage plan (throttle, quota) a key belongs to, read from the emulator's API Gateway.

Keys are created at run time (``fks keys create``), so the lookup is live, cached for a few
seconds so that a burst of requests does not become a burst of API calls.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from fks_local.throttling import PlanLimits

_CACHE_SECONDS = 5.0


class UsagePlans:
    def __init__(self, apigateway: Any) -> None:
        self._apigateway = apigateway
        self._cache: dict[tuple[str, str, str], tuple[float, PlanLimits | None]] = {}
        self._lock = threading.Lock()

    def limits_for(self, key_value: str, api_id: str, stage: str) -> PlanLimits | None:
        """The limits of the plan that holds this enabled key for this API stage, or None."""
        cache_key = (key_value, api_id, stage)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(cache_key)
            if cached and now - cached[0] < _CACHE_SECONDS:
                return cached[1]
        limits = self._lookup(key_value, api_id, stage)
        with self._lock:
            self._cache[cache_key] = (now, limits)
        return limits

    def _lookup(self, key_value: str, api_id: str, stage: str) -> PlanLimits | None:
        key_id = None
        for page in self._apigateway.get_paginator("get_api_keys").paginate(includeValues=True):
            for key in page["items"]:
                if key.get("value") == key_value and key.get("enabled", True):
                    key_id = key["id"]
        if key_id is None:
            return None
        for plan in self._apigateway.get_usage_plans(keyId=key_id).get("items", []):
            if any(s.get("apiId") == api_id and s.get("stage") == stage for s in plan.get("apiStages", [])):
                throttle, quota = plan.get("throttle") or {}, plan.get("quota") or {}
                return PlanLimits(
                    rate=throttle.get("rateLimit"),
                    burst=throttle.get("burstLimit"),
                    quota=quota.get("limit"),
                    period=quota.get("period", "DAY"),
                )
        return None
