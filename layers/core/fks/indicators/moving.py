"""Moving averages: simple, exponential and Wilder's smoothing.

Warm-up: every output has the input's length and is NaN until the window is full.
``sma(x, w)[t]`` is the mean of ``x[t-w+1 .. t]``, first defined at ``t = w - 1``.
``ema`` and ``wilder`` are seeded with the simple mean of the first ``w`` finite values (the
TA-Lib / StockCharts convention, and Wilder's own), so they too are first defined at the
``w - 1``-th finite value; leading NaNs in the input (another indicator's warm-up) are skipped.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from fks.indicators._arrays import (
    FloatArray,
    as_series,
    check_window,
    first_finite,
    nan_like,
)
from fks.indicators.window_sums import WindowSums

# The block recursion multiplies by decay**-j; keeping that below 1e150 leaves float64 ample
# headroom (max ~1e308) while blocks stay long enough that the per-block Python step is rare.
_MAX_BLOCK_MAGNITUDE = 150 * math.log(10)
_MAX_BLOCK = 4096


def sma(values: npt.ArrayLike, window: int) -> FloatArray:
    """Simple moving average; NaN for the first ``window - 1`` bars.

    O(n) and within an ulp of the exact mean (``fks.indicators.window_sums``); for several
    windows of one series build one ``WindowSums`` and ask it for each.
    """
    return WindowSums(values).means(check_window(window))


def ema(values: npt.ArrayLike, window: int) -> FloatArray:
    """Exponential moving average with ``alpha = 2 / (window + 1)``, seeded with the SMA."""
    window = check_window(window)
    return _seeded_smoothing(as_series(values), window, 2.0 / (window + 1))


def wilder(values: npt.ArrayLike, window: int) -> FloatArray:
    """Wilder's smoothing (RMA): an EMA with ``alpha = 1 / window``, seeded with the SMA."""
    window = check_window(window)
    return _seeded_smoothing(as_series(values), window, 1.0 / window)


def _seeded_smoothing(x: FloatArray, window: int, alpha: float) -> FloatArray:
    out = nan_like(x)
    start = first_finite(x)
    seed_at = start + window - 1
    if seed_at >= x.shape[0]:
        return out
    seed = float(x[start : seed_at + 1].mean())
    out[seed_at] = seed
    out[seed_at + 1 :] = linear_recursion(x[seed_at + 1 :], alpha, seed)
    return out


def linear_recursion(x: FloatArray, alpha: float, initial: float) -> FloatArray:
    """``y[i] = (1 - alpha) * y[i-1] + alpha * x[i]`` with ``y[-1] = initial``, without a per-bar
    Python loop.

    Within a block of length B the recursion has the closed form
    ``y[j] = d**(j+1) * y[-1] + alpha * d**j * cumsum(x[i] * d**-i)`` (d = 1 - alpha), which NumPy
    evaluates for all blocks at once; only the carry between blocks is a Python loop, over
    n / B steps (a few hundred for a million bars). B is chosen so ``d**-B`` cannot overflow.
    The cumsum is dominated by its newest terms, so the relative error stays near machine epsilon.
    """
    n = x.shape[0]
    decay = 1.0 - alpha
    if n == 0:
        return np.empty(0, dtype=np.float64)
    if decay <= 0.0:
        return x.astype(np.float64, copy=True)
    block = int(min(_MAX_BLOCK, max(1, _MAX_BLOCK_MAGNITUDE // -math.log(decay))))
    blocks = -(-n // block)
    padded = np.zeros(blocks * block, dtype=np.float64)
    padded[:n] = x
    grid = padded.reshape(blocks, block)
    steps = np.arange(block, dtype=np.float64)
    rise = decay**-steps
    fall = decay**steps
    local = alpha * fall * np.cumsum(grid * rise, axis=1)
    carry_weight = fall * decay  # d**(j+1): how much of the previous block's last value survives
    carried = np.empty(blocks, dtype=np.float64)
    previous = initial
    block_decay = decay**block
    for k in range(blocks):
        carried[k] = previous
        previous = float(local[k, -1]) + block_decay * previous
    result = local + carried[:, None] * carry_weight[None, :]
    return result.reshape(-1)[:n]
