"""Request-weight and order-rate limits as Binance counts them, and injected faults for tests."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from fks_local.exchange_sim import errors
from fks_local.exchange_sim.config import SimulatorConfig
from fks_local.exchange_sim.intervals import DAY_MS, MINUTE_MS

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

    def count_order(self, now_ms: int) -> dict[str, str]:
        """Count a new order; return the order-count headers or raise -1015."""
        with self._lock:
            while self._orders and self._orders[0] <= now_ms - DAY_MS:
                self._orders.popleft()
            in_ten_seconds = sum(1 for t in self._orders if t > now_ms - _TEN_SECONDS_MS) + 1
            if in_ten_seconds > self._config.order_limit_10s:
                raise errors.too_many_orders(self._config.order_limit_10s, "TEN_SECONDS")
            if len(self._orders) + 1 > self._config.order_limit_1d:
                raise errors.too_many_orders(self._config.order_limit_1d, "DAY")
            self._orders.append(now_ms)
            return {
                "X-MBX-ORDER-COUNT-10S": str(in_ten_seconds),
                "X-MBX-ORDER-COUNT-1D": str(len(self._orders)),
            }

    @staticmethod
    def _seconds_until(until_ms: int, now_ms: int) -> int:
        return max(1, -(-(until_ms - now_ms) // 1000))


@dataclass
class InjectedFault:
    """An answer to give instead of the real one, ``times`` times, for matching requests."""

    path: str
    method: str | None
    http_status: int
    code: int | None
    msg: str
    times: int

    def matches(self, method: str, path: str) -> bool:
        return self.path == path and self.method in (None, method)

    def reply(self) -> errors.BinanceError | tuple[int, str]:
        """A Binance error body when a code was given, else a bare status as a proxy would send."""
        if self.code is None:
            return self.http_status, f"<html><body><h1>{self.http_status}</h1></body></html>"
        headers = {"Retry-After": "1"} if self.http_status in (418, 429) else None
        return errors.BinanceError(self.code, self.msg, self.http_status, headers)


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[InjectedFault] = []

    def add(self, fault: InjectedFault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> InjectedFault | None:
        """The first fault for this request, used up by one; faults queue in the order added."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None
