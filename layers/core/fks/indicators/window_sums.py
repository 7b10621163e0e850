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

from fks.indicators._arrays import FloatArray, as_series, check_window, nan_like, rolling_windows

_MANTISSA_BITS = 52
_MIN_EXPONENT = -1022  # the smallest normal power of two: the quantum never goes subnormal


class WindowSums:
    """Prefix sums of one series, from which every window length's sums come in O(n).

    Build it once per series and ask for as many windows as needed: a grid over moving-average
    windows pays the split and the two prefix sums once.
    """

    def __init__(self, values: npt.ArrayLike) -> None:
        x = as_series(values)
        finite = np.isfinite(x)
        self._values = x
        self._length = int(x.shape[0])
        clean = x if finite.all() else np.where(finite, x, 0.0)
        self._nonfinite = None if clean is x else _prefix_counts(~finite)
        largest = float(np.max(np.abs(clean), initial=0.0))
        # Every prefix of the coarse parts is at most n * largest (plus n half-quanta of
        # rounding): a quantum of 2**ceil(log2(n * largest)) / 2**52 keeps it below 2**53 quanta.
        exponent = math.ceil(math.log2(largest * max(self._length, 1))) - _MANTISSA_BITS if largest else 0
        quantum = math.ldexp(1.0, max(exponent, _MIN_EXPONENT))
        coarse = np.rint(clean / quantum)  # dividing by a power of two is exact
        coarse *= quantum
        fine = clean - coarse  # exact: both are multiples of the smaller of their ulps
        self._coarse = _prefix_sums(coarse)
        self._fine = _prefix_sums(fine)

    def __len__(self) -> int:
        return self._length

    def sums(self, window: int) -> FloatArray:
        """``sums(w)[t]`` is the sum of values ``t-w+1 .. t``; NaN for the first ``w - 1``."""
        window = check_window(window)
        out = nan_like(self._values)
        if self._length < window:
            return out
        tail = out[window - 1 :]
        np.subtract(self._coarse[window:], self._coarse[:-window], out=tail)
        tail += self._fine[window:] - self._fine[:-window]
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
