"""Oscillators: Wilder's RSI and MACD.

Warm-up: ``rsi(close, w)`` is NaN for the first ``w`` bars (it needs ``w`` price changes, and the
first bar has none), first defined at ``t = w``. ``macd`` line is NaN until ``slow - 1``, its
signal line until ``slow + signal - 2``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest
from fks.indicators._arrays import FloatArray, as_series, check_window, nan_like
from fks.indicators.moving import ema, wilder


def rsi(close: npt.ArrayLike, window: int = 14) -> FloatArray:
    """Wilder's Relative Strength Index, 0..100.

    Average gain and loss use Wilder's smoothing seeded with the simple mean of the first
    ``window`` changes. With no losses the RSI is 100; with neither gains nor losses (a flat
    market) it is 50, neutral, rather than a division by zero.
    """
    x = as_series(close, "close")
    window = check_window(window)
    out = nan_like(x)
    if x.shape[0] <= window:
        return out
    change = np.diff(x)
    average_gain = wilder(np.clip(change, 0.0, None), window)
    average_loss = wilder(np.clip(-change, 0.0, None), window)
    total = average_gain + average_loss
    with np.errstate(divide="ignore", invalid="ignore"):
        # 100 - 100 / (1 + gain/loss) == 100 * gain / (gain + loss), which needs no special case
        # for a zero loss.
        value = np.where(total > 0.0, 100.0 * average_gain / total, 50.0)
    value[np.isnan(total)] = np.nan
    out[1:] = value
    return out


class Macd(NamedTuple):
    line: FloatArray
    signal: FloatArray
    histogram: FloatArray


def macd(close: npt.ArrayLike, fast: int = 12, slow: int = 26, signal: int = 9) -> Macd:
    """MACD line (EMA fast - EMA slow), its signal line (EMA of the line) and histogram."""
    x = as_series(close, "close")
    fast, slow, signal = (
        check_window(fast, "fast"),
        check_window(slow, "slow"),
        check_window(signal, "signal"),
    )
    if fast >= slow:
        raise BadRequest(f"macd fast ({fast}) must be shorter than slow ({slow})")
    line = ema(x, fast) - ema(x, slow)
    signal_line = ema(line, signal)
    return Macd(line, signal_line, line - signal_line)
