"""Price channels and volatility: Bollinger bands, Donchian channel, average true range.

Warm-up: Bollinger and Donchian are NaN for the first ``window - 1`` bars. ``atr`` takes the
first bar's true range as high - low (there is no previous close) and seeds Wilder's smoothing
with the mean of the first ``window`` true ranges, so it is first defined at ``t = window - 1``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest
from fks.indicators._arrays import FloatArray, as_series, check_window, nan_like, rolling_windows
from fks.indicators.moving import sma, wilder


class Band(NamedTuple):
    lower: FloatArray
    middle: FloatArray
    upper: FloatArray


def rolling_std(values: npt.ArrayLike, window: int) -> FloatArray:
    """Population standard deviation (ddof=0, as Bollinger defined his bands) over the window."""
    x = as_series(values)
    window = check_window(window)
    out = nan_like(x)
    if x.shape[0] >= window:
        out[window - 1 :] = rolling_windows(x, window).std(axis=1)
    return out


def bollinger(close: npt.ArrayLike, window: int = 20, num_std: float = 2.0) -> Band:
    """Middle = SMA; upper/lower = middle ± num_std · population standard deviation."""
    if not num_std > 0:
        raise BadRequest(f"num_std must be positive, got {num_std!r}")
    middle = sma(close, window)
    width = num_std * rolling_std(close, window)
    return Band(middle - width, middle, middle + width)


def rolling_max(values: npt.ArrayLike, window: int) -> FloatArray:
    x = as_series(values)
    window = check_window(window)
    out = nan_like(x)
    if x.shape[0] >= window:
        out[window - 1 :] = rolling_windows(x, window).max(axis=1)
    return out


def rolling_min(values: npt.ArrayLike, window: int) -> FloatArray:
    x = as_series(values)
    window = check_window(window)
    out = nan_like(x)
    if x.shape[0] >= window:
        out[window - 1 :] = rolling_windows(x, window).min(axis=1)
    return out


def donchian(high: npt.ArrayLike, low: npt.ArrayLike, window: int = 20) -> Band:
    """Highest high and lowest low of the last ``window`` bars, bar t included.

    A breakout rule must compare bar t's close with the channel up to bar t - 1 (shift by one),
    or the close could never exceed a channel that already contains it.
    """
    upper = rolling_max(high, window)
    lower = rolling_min(low, window)
    return Band(lower, (upper + lower) / 2.0, upper)


def true_range(high: npt.ArrayLike, low: npt.ArrayLike, close: npt.ArrayLike) -> FloatArray:
    h, lo, c = as_series(high, "high"), as_series(low, "low"), as_series(close, "close")
    if not h.shape == lo.shape == c.shape:
        raise BadRequest("high, low and close must have the same length")
    out = h - lo
    if out.shape[0] > 1:
        previous = c[:-1]
        out[1:] = np.maximum(out[1:], np.maximum(np.abs(h[1:] - previous), np.abs(lo[1:] - previous)))
    return out


def atr(high: npt.ArrayLike, low: npt.ArrayLike, close: npt.ArrayLike, window: int = 14) -> FloatArray:
    """Wilder's average true range."""
    return wilder(true_range(high, low, close), window)
