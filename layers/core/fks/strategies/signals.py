"""Turning indicator conditions into target positions without a per-bar loop."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fks.strategies.candles import FloatArray

BoolArray = npt.NDArray[np.bool_]


def crossed_above(a: FloatArray, b: FloatArray) -> BoolArray:
    """True at t when a was strictly below b at t-1 and is strictly above at t.

    Strict on both sides, as backtesting.py's ``crossover``: touching is not crossing, and NaN
    (warm-up) compares false so no cross is reported before both series exist.
    """
    out = np.zeros(a.shape[0], dtype=np.bool_)
    out[1:] = (a[:-1] < b[:-1]) & (a[1:] > b[1:])
    return out


def crossings(a: FloatArray, b: FloatArray) -> tuple[BoolArray, BoolArray]:
    """``(crossed_above(a, b), crossed_above(b, a))`` from two comparisons instead of four."""
    below, above = a < b, a > b
    up, down = np.zeros(a.shape[0], dtype=np.bool_), np.zeros(a.shape[0], dtype=np.bool_)
    np.logical_and(below[:-1], above[1:], out=up[1:])
    np.logical_and(above[:-1], below[1:], out=down[1:])
    return up, down


def previous(values: FloatArray) -> FloatArray:
    """values shifted one bar later (NaN first): what was known when bar t opened."""
    out = np.empty_like(values)
    out[0] = np.nan
    out[1:] = values[:-1]
    return out


def positions_from_events(
    long_entry: BoolArray,
    short_entry: BoolArray,
    long_exit: BoolArray | None = None,
    short_exit: BoolArray | None = None,
) -> FloatArray:
    """+1 / -1 / 0 per bar from entry and exit conditions.

    Long at t when the latest long entry (up to t) is later than both the latest long exit and
    the latest short entry; short symmetrically. An entry in the other direction reverses, an
    exit flattens, and an exit on the same bar as an entry wins. Each "latest" is a running
    maximum of bar indices, which replaces the state machine a loop would need.
    """
    n = long_entry.shape[0]
    if long_exit is None and short_exit is None:
        # Stop-and-reverse: each entry's direction holds until the next entry (0 if both fire on
        # one bar, as in the general rule), laid out with one repeat over the few entry bars.
        # One array: the flat stretch before the first entry is one more run (of zeros).
        events = np.flatnonzero(long_entry | short_entry)
        direction = np.zeros(events.size + 1, dtype=np.float64)
        direction[1:] = long_entry[events]
        direction[1:] -= short_entry[events]
        return np.repeat(direction, np.diff(events, prepend=0, append=n))

    def latest(condition: BoolArray | None) -> npt.NDArray[np.int64]:
        if condition is None:
            return np.full(n, -1, dtype=np.int64)
        return np.maximum.accumulate(np.where(condition, index, -1))

    index = np.arange(n)
    last_long, last_short = latest(long_entry), latest(short_entry)
    is_long = last_long > np.maximum(latest(long_exit), last_short)
    is_short = last_short > np.maximum(latest(short_exit), last_long)
    return is_long.astype(np.float64) - is_short.astype(np.float64)
