"""Per-bar features for regimes and forecasts, computed causally.

Every column at bar t is a function of closes/highs/lows at bars <= t only (trailing windows,
no centring, no back-filling), so a model that sees row t has seen nothing of bar t + 1.
Rows before the longest window are NaN; ``FEATURE_WARMUP`` is how many such rows there are
(so it is also the index of the first complete row).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fks.indicators import rsi, sma
from fks.indicators.channels import rolling_std
from fks.strategies.candles import Candles, FloatArray

VOL_WINDOW = 24
TREND_WINDOW = 24
LONG_WINDOW = 72
RSI_WINDOW = 14
# Rows of NaN before the first complete row: returns lose bar 0, and the long volatility window
# of returns first fills at bar LONG_WINDOW.
FEATURE_WARMUP = LONG_WINDOW

FEATURE_NAMES = (
    "ret_1",
    "ret_4",
    "ret_24",
    "vol_24",
    "vol_ratio",
    "slope_24",
    "dist_sma_72",
    "rsi_14",
    "range_24",
)


@dataclass(frozen=True, slots=True)
class FeatureFrame:
    """An (n_bars, n_features) matrix aligned with the candles, NaN during warm-up."""

    values: npt.NDArray[np.float64]
    names: tuple[str, ...] = FEATURE_NAMES

    def column(self, name: str) -> FloatArray:
        return self.values[:, self.names.index(name)]

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        return np.asarray(np.all(np.isfinite(self.values), axis=1), dtype=np.bool_)


def log_returns(close: FloatArray, lag: int = 1) -> FloatArray:
    out = np.full(close.shape, np.nan)
    out[lag:] = np.log(close[lag:] / close[:-lag])
    return out


def rolling_slope(values: FloatArray, window: int) -> FloatArray:
    """Least-squares slope of ``values`` over the trailing window, per bar (vectorised)."""
    out = np.full(values.shape, np.nan)
    if values.shape[0] < window:
        return out
    x = np.arange(window, dtype=np.float64) - (window - 1) / 2.0
    windows = np.lib.stride_tricks.sliding_window_view(values, window)
    out[window - 1 :] = windows @ x / float(x @ x)
    return out


def build_features(candles: Candles) -> FeatureFrame:
    close = np.asarray(candles.close, dtype=np.float64)
    log_close = np.log(close)
    ret_1 = log_returns(close, 1)
    vol = rolling_std(ret_1, VOL_WINDOW)
    long_vol = rolling_std(ret_1, LONG_WINDOW)
    # Normalising the slope by volatility makes "trend" comparable across calm and wild periods.
    slope = rolling_slope(log_close, TREND_WINDOW) / vol
    dist = log_close - np.log(sma(close, LONG_WINDOW))
    high_low = np.log(np.asarray(candles.high) / np.asarray(candles.low))
    range_24 = sma(high_low, VOL_WINDOW)
    columns = [
        ret_1,
        log_returns(close, 4),
        log_returns(close, 24),
        vol,
        vol / long_vol,
        slope,
        dist,
        rsi(close, RSI_WINDOW) / 100.0,
        range_24,
    ]
    values = np.column_stack(columns)
    values[~np.isfinite(values)] = np.nan
    return FeatureFrame(values=values)


def next_direction(close: FloatArray) -> FloatArray:
    """Target for row t: 1.0 if close[t + 1] > close[t], else 0.0; NaN on the last bar (unknown)."""
    out = np.full(close.shape, np.nan)
    out[:-1] = (close[1:] > close[:-1]).astype(np.float64)
    return out
