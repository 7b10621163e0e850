"""Sums of a series over sliding windows in O(n) per window, rounded once from the exact sum.

A running sum (``cumsum``, then the difference of two prefix sums) is O(n) but its error grows
with the prefix: on a million bars near 1e5 a difference loses ~1e-9, enough to turn two equal
averages into a strict cross. Summing every window afresh (``sliding_window_view(...).sum``) is
exact enough but O(n x window). Here each value is split, exactly, into a coarse part on a grid
of ``quantum`` and the remainder below it. The coarse parts are whole multiples of the quantum
whose every prefix sum stays below 2**53 quanta, so their prefix sums, and any difference of two,
are exact. A window's sum is the exact coarse difference plus the fine one, rounded once.

Prices are decimals quoted to at most 8 places (the venues' finest tick, as the Rust core reads
them): a series whose every value is such a decimal is summed in whole 10**-8 ticks, where the
fine parts are integers too and every sum is exact. Two averages of the decimals that are equal
then come out as the same float (a tie, which is no strict cross), where the floats' own binary
approximations could differ in the last bit and cross. Any other series is split on a binary
quantum (a power of two); its remainders are under half a quantum each, so their prefix sums
carry an error about n**2 * 2**-105 of the values' size, far below one ulp of a window's sum.

Non-finite values (another indicator's warm-up NaN, an inf) are left out of the prefix sums; a
window holding one is summed directly, so it gives what NumPy's sum of that window gives.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from fks.indicators._arrays import FloatArray, as_series, check_window, rolling_windows

_MANTISSA_BITS = 52
_MIN_EXPONENT = -1022  # the smallest normal power of two: the quantum never goes subnormal
_CHUNK = 1 << 15  # values per step of the fine differences: 256 KiB, at home in a core's cache
_TICKS_PER_UNIT = 1e8  # the finest price tick of the venues traded is 10**-8
_MAX_TICKS = float(2**52)  # below this a float holds every whole tick, and rounds to the nearest
_TICK_QUANTUM = float(2**26)  # the coarse/fine split of ticks: both prefix sums stay below 2**53
_MAX_INT_SUM = 9.2e18  # below 2**63: every prefix of whole ticks fits an int64


def _tick_prefix_sums(values: FloatArray) -> npt.NDArray[np.int64] | None:
    """0 then the running sums of ``values`` in whole ticks, or None unless every value is a
    decimal of at most 8 places. A chunk at a time: no float temporary the size of the series,
    and one integer running sum (an integer add waits one cycle for the last, a float add four)."""
    n = values.shape[0]
    out = np.empty(n + 1, dtype=np.int64)
    out[0] = 0
    ticks = np.empty(min(_CHUNK, n), dtype=np.float64)
    back = np.empty_like(ticks)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        chunk, check, part = ticks[: stop - start], back[: stop - start], values[start:stop]
        np.multiply(part, _TICKS_PER_UNIT, out=chunk)
        np.rint(chunk, out=chunk)
        np.divide(chunk, _TICKS_PER_UNIT, out=check)  # correctly rounded: the float nearest k / 10**8
        if not np.array_equal(check, part):
            return None
        sums = out[start + 1 : stop + 1]
        np.cumsum(chunk, dtype=np.int64, out=sums)
        sums += out[start]
    return out


def _on_tick_grid(values: FloatArray, largest: float, ticks: FloatArray, scratch: FloatArray) -> bool:
    """Whether every value is a decimal of at most 8 places (the float nearest it); ``ticks``
    is left holding the values in whole ticks (``scratch`` is overwritten)."""
    if largest * _TICKS_PER_UNIT >= _MAX_TICKS:
        return False
    np.multiply(values, _TICKS_PER_UNIT, out=ticks)
    np.rint(ticks, out=ticks)
    np.divide(ticks, _TICKS_PER_UNIT, out=scratch)  # correctly rounded: the float nearest k / 10**8
    return bool(np.array_equal(scratch, values))


class WindowSums:
    """Prefix sums of one series, from which every window length's sums come in O(n).

    Build it once per series and ask for as many windows as needed: a grid over moving-average
    windows pays the split and the two prefix sums once.
    """

    def __init__(self, values: npt.ArrayLike) -> None:
        x = as_series(values)
        self._values = x
        self._length = n = int(x.shape[0])
        # A NaN makes min and max NaN, an inf makes one of them infinite: two passes that
        # allocate nothing say whether the series is all finite (the usual case).
        low, high = (float(x.min()), float(x.max())) if n else (0.0, 0.0)
        if math.isfinite(low) and math.isfinite(high):
            clean, self._nonfinite = x, None
            largest = max(high, -low)
        else:
            finite = np.isfinite(x)
            clean, self._nonfinite = np.where(finite, x, 0.0), _prefix_counts(~finite)
            largest = float(np.max(np.abs(clean), initial=0.0))
        # What a sum is divided by to be in the values' unit: ticks per unit, or 1.
        self._per_unit = _TICKS_PER_UNIT
        fits_int = largest * _TICKS_PER_UNIT < _MAX_TICKS and largest * _TICKS_PER_UNIT * max(n, 1) < _MAX_INT_SUM
        self._ticks = _tick_prefix_sums(clean) if self._nonfinite is None and fits_int else None
        if self._ticks is not None:
            return
        # Built in the two arrays kept, with no temporaries: each new million-value array costs
        # its page faults, as much as a pass over it.
        self._coarse = coarse_sums = np.empty(n + 1, dtype=np.float64)
        self._fine = fine_sums = np.empty(n + 1, dtype=np.float64)
        coarse_sums[0] = fine_sums[0] = 0.0
        coarse, fine = coarse_sums[1:], fine_sums[1:]
        # Ticks whose running sums overflow an int64 (a long series of large prices): split.
        on_grid = self._nonfinite is None and not fits_int and _on_tick_grid(clean, largest, coarse, fine)
        self._per_unit = _TICKS_PER_UNIT if on_grid else 1.0
        if on_grid:
            # coarse holds the whole ticks: split them at 2**26 ticks, both parts whole numbers.
            np.multiply(coarse, 1.0 / _TICK_QUANTUM, out=fine)
            np.floor(fine, out=fine)
            fine *= _TICK_QUANTUM
            coarse -= fine
            coarse, fine = fine, coarse
            self._coarse, self._fine = fine_sums, coarse_sums
        else:
            # Every prefix of the coarse parts is at most n * largest (plus n half-quanta of
            # rounding): a quantum of 2**ceil(log2(n * largest)) / 2**52 keeps it below 2**53
            # quanta.
            exponent = math.ceil(math.log2(largest * max(n, 1))) - _MANTISSA_BITS if largest else 0
            quantum = math.ldexp(1.0, max(exponent, _MIN_EXPONENT))
            np.multiply(clean, 1.0 / quantum, out=coarse)  # scaling by a power of two is exact
            np.rint(coarse, out=coarse)
            coarse *= quantum
            np.subtract(clean, coarse, out=fine)  # exact: both are multiples of the smaller ulp
        np.cumsum(coarse, out=coarse)
        np.cumsum(fine, out=fine)

    def __len__(self) -> int:
        return self._length

    def sums(self, window: int) -> FloatArray:
        """``sums(w)[t]`` is the sum of values ``t-w+1 .. t``; NaN for the first ``w - 1``."""
        out = self._unit_sums(check_window(window))
        if self._per_unit != 1.0:
            out /= self._per_unit  # ticks to price units: one rounding of the exact sum
        return out

    def means(self, window: int) -> FloatArray:
        """``means(w)[t]`` is the mean of values ``t-w+1 .. t``; NaN for the first ``w - 1``."""
        window = check_window(window)
        out = self._unit_sums(window)
        out /= window * self._per_unit  # one division (the product is exact): one rounding
        return out

    def _unit_sums(self, window: int) -> FloatArray:
        """The window sums in the series' unit (ticks on the tick grid)."""
        out = np.empty(self._length, dtype=np.float64)
        out[: window - 1] = np.nan
        if self._length < window:
            return out
        tail = out[window - 1 :]
        if self._ticks is not None:
            # Exact integer differences, a chunk at a time; each is exact as a float below 2**53.
            ticks = np.empty(min(_CHUNK, tail.shape[0]), dtype=np.int64)
            for start in range(0, tail.shape[0], _CHUNK):
                stop = min(start + _CHUNK, tail.shape[0])
                chunk = ticks[: stop - start]
                np.subtract(self._ticks[window + start : window + stop], self._ticks[start:stop], out=chunk)
                tail[start:stop] = chunk
            return out
        np.subtract(self._coarse[window:], self._coarse[:-window], out=tail)
        # The fine differences go through a small buffer a chunk at a time: a temporary the size
        # of the series would cost its page faults on every call.
        scratch = np.empty(min(_CHUNK, tail.shape[0]), dtype=np.float64)
        for start in range(0, tail.shape[0], _CHUNK):
            stop = min(start + _CHUNK, tail.shape[0])
            fine = scratch[: stop - start]
            np.subtract(self._fine[window + start : window + stop], self._fine[start:stop], out=fine)
            tail[start:stop] += fine
        if self._nonfinite is not None:
            holed = np.flatnonzero(self._nonfinite[window:] - self._nonfinite[:-window])
            if holed.size:
                with np.errstate(invalid="ignore"):  # inf - inf is NaN, as it should be
                    tail[holed] = rolling_windows(self._values, window)[holed].sum(axis=1)
        return out


def _prefix_sums(values: FloatArray) -> FloatArray:
    """0 then the running sums: the sum of values ``i .. j-1`` is ``out[j] - out[i]``."""
    out = np.empty(values.shape[0] + 1, dtype=np.float64)
    out[0] = 0.0
    np.cumsum(values, out=out[1:])
    return out


def _prefix_counts(flags: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    out = np.zeros(flags.shape[0] + 1, dtype=np.int64)
    np.cumsum(flags, out=out[1:])
    return out
