"""Prices a test sets (``POST /sim/price``): the sample series rescaled from the minute it was set.

Setting the price at minute ``m`` multiplies every later price of the symbol by the factor that
makes minute ``m`` close at the requested price, so the random walk carries on from there and
every interval stays the exact aggregate of the minutes. Minute ``m`` itself opens where the
minute before closed and spans everything it showed before the move as well as after it, so
its low or high is the crossing a resting order sees. Minutes before ``m`` never change.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from fks_exchange_sim.series import Bars


@dataclass(frozen=True)
class Shift:
    minute: int
    # Multiplies the generated prices from ``minute`` on (until the next shift).
    factor: float
    close: int
    # Range in ticks the minute had shown before this shift.
    low: int
    high: int


class PriceShifts:
    """The shifts of one symbol, oldest first; readers take an immutable snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shifts: tuple[Shift, ...] = ()

    def snapshot(self) -> tuple[Shift, ...]:
        return self._shifts

    def first_minute(self) -> int | None:
        shifts = self._shifts
        return shifts[0].minute if shifts else None

    def add(self, shift: Shift) -> None:
        """Record ``shift``; one at the same minute is replaced (its range is already in ``shift``)."""
        with self._lock:
            kept = tuple(s for s in self._shifts if s.minute < shift.minute)
            self._shifts = (*kept, shift)


def apply(bars: Bars, first: int, shifts: Sequence[Shift]) -> Bars:
    """Generated minutes ``[first, first + len(bars))`` as they read after ``shifts``."""
    if not shifts or first + len(bars) <= shifts[0].minute:
        return bars
    minutes = np.arange(first, first + len(bars))
    position = np.searchsorted(np.array([s.minute for s in shifts]), minutes, side="right")
    factors = np.array([1.0, *(s.factor for s in shifts)])[position]

    def scaled(column: NDArray[np.int64]) -> NDArray[np.int64]:
        result: NDArray[np.int64] = np.maximum(np.rint(column * factors), 1).astype(np.int64)
        return result

    open_, high, low, close = (scaled(c) for c in (bars.open, bars.high, bars.low, bars.close))
    for index, shift in enumerate(shifts):
        k = shift.minute - first
        if not 0 <= k < len(bars):
            continue
        before = shifts[index - 1].factor if index else 1.0
        open_[k] = max(int(np.rint(bars.open[k] * before)), 1)
        close[k] = shift.close
        high[k] = max(int(high[k]), int(open_[k]), shift.high, shift.close)
        low[k] = min(int(low[k]), int(open_[k]), shift.low, shift.close)
    return replace(
        bars,
        open=open_,
        high=high,
        low=low,
        close=close,
        quote_volume=bars.volume * close,
        taker_quote=bars.taker_base * close,
    )
