"""Synthetic candles with known regimes: segments of set drift and volatility, fixed seeds."""

from __future__ import annotations

import numpy as np

from fks.strategies.candles import Candles

HOUR_MS = 3_600_000
# (regime, drift per bar, volatility per bar): strong enough that the regimes are unambiguous.
SEGMENTS = {
    "trending_up": (0.004, 0.004),
    "trending_down": (-0.004, 0.004),
    "ranging": (0.0, 0.003),
    "high_volatility": (0.0, 0.02),
}


def regime_candles(plan: list[tuple[str, int]], seed: int = 7) -> tuple[Candles, list[str]]:
    """Candles following ``plan`` (regime, bars) and the true regime of each bar."""
    rng = np.random.default_rng(seed)
    returns, truth = [], []
    for regime, bars in plan:
        drift, vol = SEGMENTS[regime]
        returns.append(drift + vol * rng.standard_normal(bars))
        truth += [regime] * bars
    log_close = np.log(100.0) + np.cumsum(np.concatenate(returns))
    close = np.exp(log_close)
    open_ = np.concatenate([[100.0], close[:-1]])
    wiggle = np.abs(rng.standard_normal(close.shape[0])) * 0.001
    high = np.maximum(open_, close) * (1 + wiggle)
    low = np.minimum(open_, close) * (1 - wiggle)
    times = np.arange(close.shape[0], dtype=np.int64) * HOUR_MS + 1_704_067_200_000
    volume = np.full(close.shape[0], 10.0)
    return Candles(times, open_, high, low, close, volume), truth


def random_walk_candles(bars: int, seed: int = 3) -> Candles:
    candles, _ = regime_candles([("ranging", bars)], seed=seed)
    return candles


def cycle_plan(cycles: int, bars: int = 150) -> list[tuple[str, int]]:
    order = ("ranging", "trending_up", "high_volatility", "trending_down")
    return [(regime, bars) for _ in range(cycles) for regime in order]
