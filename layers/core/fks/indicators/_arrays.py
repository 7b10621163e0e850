"""Shared input handling for the indicators: one float64 array in, one float64 array out."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest

FloatArray = npt.NDArray[np.float64]


def as_series(values: npt.ArrayLike, name: str = "values") -> FloatArray:
    """A 1-D float64 view (no copy when the input already is one)."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise BadRequest(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def check_window(window: int, name: str = "window") -> int:
    # bool is an int subclass; a True window is always a caller's mistake.
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise BadRequest(f"{name} must be a positive integer, got {window!r}")
    return int(window)


def nan_like(values: FloatArray) -> FloatArray:
    return np.full(values.shape[0], np.nan, dtype=np.float64)


def first_finite(values: FloatArray) -> int:
    """Index of the first finite value, or len(values) when there is none."""
    finite = np.flatnonzero(np.isfinite(values))
    return int(finite[0]) if finite.size else values.shape[0]


def rolling_windows(values: FloatArray, window: int) -> npt.NDArray[np.float64]:
    """A read-only (n - window + 1, window) view: reductions over it cost O(n·window) but stay
    exact (NumPy sums a contiguous axis pairwise), unlike a running cumsum whose error grows with n
    and can flip a crossover on a million bars."""
    return np.lib.stride_tricks.sliding_window_view(values, window)
