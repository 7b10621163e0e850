"""Vectorised technical indicators on NumPy arrays.

Every function takes array-likes of float prices and returns float64 arrays of the input's
length, NaN during the warm-up documented on each module. No per-bar Python loop: a million bars
cost milliseconds, which the backtest grid relies on.
"""

from fks.indicators.channels import (
    Band,
    atr,
    bollinger,
    donchian,
    rolling_max,
    rolling_min,
    rolling_std,
    true_range,
)
from fks.indicators.moving import ema, sma, wilder
from fks.indicators.oscillators import Macd, macd, rsi

__all__ = [
    "Band",
    "Macd",
    "atr",
    "bollinger",
    "donchian",
    "ema",
    "macd",
    "rolling_max",
    "rolling_min",
    "rolling_std",
    "rsi",
    "sma",
    "true_range",
    "wilder",
]
