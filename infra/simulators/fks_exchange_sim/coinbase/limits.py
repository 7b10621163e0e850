"""Coinbase's request-rate limits: so many requests per second, per key (private) or per IP (public)."""

from __future__ import annotations

import threading

from fks_exchange_sim.coinbase import errors


class PerSecondLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def charge(self, scope: str, limit: int, now_ms: int) -> None:
        """Count one request of ``scope`` in the current second, or answer 429 past ``limit``."""
        second = now_ms // 1000
        with self._lock:
            current, count = self._counts.get(scope, (second, 0))
            if current != second:
                count = 0
            if count >= limit:
                self._counts[scope] = (second, count)
                raise errors.rate_limited()
            self._counts[scope] = (second, count + 1)
