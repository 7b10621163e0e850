"""Request-weight and order-rate limits as Binance counts them."""

from __future__ import annotations

import threading
from collections import deque

from fks_exchange_sim import errors
from fks_exchange_sim.config import SimulatorConfig
from fks_exchange_sim.intervals import DAY_MS, MINUTE_MS

_TEN_SECONDS_MS = 10_000


class RequestLimiter:
    """Weight per calendar minute (Binance resets at the minute), bans after repeated 429s."""

    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._minute = -1
        self._used = 0
        self._rejections = 0
        self._banned_until = 0
        self._orders: deque[int] = deque()

    def charge(self, weight: int, now_ms: int) -> dict[str, str]:
        """Count ``weight``; return the usage headers or raise 429/418 past the limit."""
        with self._lock:
            if now_ms < self._banned_until:
                raise errors.ip_banned(self._banned_until, self._seconds_until(self._banned_until, now_ms))
            minute = now_ms // MINUTE_MS
            if minute != self._minute:
                self._minute, self._used, self._rejections = minute, 0, 0
            self._used += weight
            if self._used > self._config.weight_limit_1m:
                self._reject(now_ms)
            return {"X-MBX-USED-WEIGHT-1M": str(self._used), "X-MBX-USED-WEIGHT": str(self._used)}

    def _reject(self, now_ms: int) -> None:
        self._rejections += 1
        if self._rejections > self._config.bans_after_429s:
            self._banned_until = now_ms + self._config.ban_ms
            raise errors.ip_banned(self._banned_until, self._seconds_until(self._banned_until, now_ms))
        next_minute = (now_ms // MINUTE_MS + 1) * MINUTE_MS
        raise errors.too_many_requests(self._config.weight_limit_1m, self._seconds_until(next_minute, now_ms))

    def count_order(self, now_ms: int, count: int = 1) -> dict[str, str]:
        """Count ``count`` new orders; return the order-count headers or raise -1015."""
        with self._lock:
            while self._orders and self._orders[0] <= now_ms - DAY_MS:
                self._orders.popleft()
            in_ten_seconds = sum(1 for t in self._orders if t > now_ms - _TEN_SECONDS_MS) + count
            if in_ten_seconds > self._config.order_limit_10s:
                raise errors.too_many_orders(self._config.order_limit_10s, "TEN_SECONDS")
            if len(self._orders) + count > self._config.order_limit_1d:
                raise errors.too_many_orders(self._config.order_limit_1d, "DAY")
            self._orders.extend([now_ms] * count)
            return {
                "X-MBX-ORDER-COUNT-10S": str(in_ten_seconds),
                "X-MBX-ORDER-COUNT-1D": str(len(self._orders)),
            }

    @staticmethod
    def _seconds_until(until_ms: int, now_ms: int) -> int:
        return max(1, -(-(until_ms - now_ms) // 1000))
