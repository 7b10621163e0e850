"""Kraken's decaying counters: the REST call counter per key and the trading counter per key and pair.

A counter starts at 0, gains a cost per event and loses ``decay_per_s`` every second; an event
that would take it past ``maximum`` is refused with ``error`` and not counted.

Trading (Kraken's "Spot Trading Limits", Starter tier: 60, decaying 1 a second, per pair): adding
an order costs 1, cancelling one costs more the younger it is (8 under 5 s, 6 under 10 s, 5 under
15 s, 4 under 45 s, 2 under 90 s, 1 under 300 s, nothing later).
"""

from __future__ import annotations

import threading
from decimal import Decimal

from fks_exchange_sim.kraken import errors

# (age below, in ms; what cancelling an order that young adds to its pair's trading counter)
CANCEL_PENALTIES = ((5_000, 8), (10_000, 6), (15_000, 5), (45_000, 4), (90_000, 2), (300_000, 1))


def cancel_penalty(age_ms: int) -> int:
    return next((cost for below, cost in CANCEL_PENALTIES if age_ms < below), 0)


class DecayingCounter:
    def __init__(self, maximum: Decimal, decay_per_s: Decimal, error: str) -> None:
        self._maximum = maximum
        self._decay_per_s = decay_per_s
        self._error = error
        self._lock = threading.Lock()
        self._levels: dict[str, tuple[Decimal, int]] = {}

    def charge(self, key: str, cost: int, now_ms: int) -> None:
        """Add ``cost`` to ``key``'s counter, or refuse the event if it would pass the maximum."""
        if not cost:
            return
        with self._lock:
            level, since_ms = self._levels.get(key, (Decimal(0), now_ms))
            decayed = self._decay_per_s * Decimal(max(now_ms - since_ms, 0)) / 1000
            level = max(level - decayed, Decimal(0))
            if level + cost > self._maximum:
                self._levels[key] = (level, now_ms)
                raise errors.KrakenError(self._error)
            self._levels[key] = (level + cost, now_ms)
