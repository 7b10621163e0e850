"""Sums of a series over sliding windows in O(n) per window, to within an ulp of the exact sum.

A running sum (``cumsum``, then the difference of two prefix sums) is O(n) but its error grows
with the prefix: on a million bars near 1e5 a difference loses ~1e-9, enough to turn two equal
averages into a strict cross. Summing every window afresh (``sliding_window_view(...).sum``) is
exact enough but O(n x window). Here each value is split, exactly, into a coarse part on a grid
of ``quantum`` (a power of two) and the remainder below it. The coarse parts are whole multiples
of the quantum whose every prefix sum stays below 2**53 quanta, so their prefix sums, and any
difference of two, are exact; the remainders are under half a quantum each, so their prefix sums
carry an error about n**2 * 2**-105 of the values' size, far below one ulp of a window's sum.
A window's sum is then the exact coarse difference plus the nearly exact fine one, rounded once.

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
        # Every prefix of the coarse parts is at most n * largest (plus n half-quanta of
        # rounding): a quantum of 2**ceil(log2(n * largest)) / 2**52 keeps it below 2**53 quanta.
        exponent = math.ceil(math.log2(largest * max(n, 1))) - _MANTISSA_BITS if largest else 0
        quantum = math.ldexp(1.0, max(exponent, _MIN_EXPONENT))
        # Built in the two arrays kept, with no temporaries: each new million-value array costs
        # its page faults, as much as a pass over it.
        self._coarse = coarse_sums = np.empty(n + 1, dtype=np.float64)
        self._fine = fine_sums = np.empty(n + 1, dtype=np.float64)
        coarse_sums[0] = fine_sums[0] = 0.0
        coarse, fine = coarse_sums[1:], fine_sums[1:]
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
        window = check_window(window)
        out = np.empty(self._length, dtype=np.float64)
        out[: window - 1] = np.nan
        if self._length < window:
            return out
        tail = out[window - 1 :]
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

    def means(self, window: int) -> FloatArray:
        """``means(w)[t]`` is the mean of values ``t-w+1 .. t``; NaN for the first ``w - 1``."""
        out = self.sums(window)
        out /= window
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
