"""Candle and strategy stubs shared by the strategy and backtest tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fks.strategies import Candles, IndicatorCache, Params, Strategy, as_candles
from fks.strategies.candles import FloatArray

T0 = 1_700_000_000_000  # 2023-11-14T22:13:20Z, epoch ms
MINUTE = 60_000
BUILT_IN_STRATEGIES = ["sma_cross", "ema_cross", "rsi_reversion", "bollinger_breakout", "macd", "donchian_breakout"]
# Built in too, listed after those: they evaluate the asset's stored models (fks.ml.deployed).
MODEL_STRATEGIES = ["ml_forecast", "regime_gate"]


class CandleStubs:
    @staticmethod
    def from_ohlc(rows: Sequence[tuple[float, float, float, float]], bar_ms: int = MINUTE) -> pd.DataFrame:
        """A candle frame as market data produces it, from (open, high, low, close) rows."""
        frame = pd.DataFrame(rows, columns=["open", "high", "low", "close"], dtype=np.float64)
        frame.insert(0, "open_time", T0 + bar_ms * np.arange(len(rows), dtype=np.int64))
        frame["volume"] = 1.0
        return frame

    @staticmethod
    def from_closes(closes: Sequence[float], bar_ms: int = MINUTE) -> pd.DataFrame:
        """Each bar opens at the previous close; high/low just outside the body."""
        close = np.asarray(closes, dtype=np.float64)
        open_ = np.concatenate(([close[0]], close[:-1]))
        high = np.maximum(open_, close) * 1.001
        low = np.minimum(open_, close) * 0.999
        return CandleStubs.from_ohlc(list(zip(open_, high, low, close, strict=True)), bar_ms)

    @staticmethod
    def random_walk(bars: int, seed: int = 1, volatility: float = 0.01) -> Candles:
        rng = np.random.default_rng(seed)
        close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, volatility, bars)))
        open_ = np.concatenate(([100.0], close[:-1])) * np.exp(rng.normal(0.0, volatility / 4, bars))
        high = np.maximum(open_, close) * np.exp(np.abs(rng.normal(0.0, volatility / 2, bars)))
        low = np.minimum(open_, close) * np.exp(-np.abs(rng.normal(0.0, volatility / 2, bars)))
        # Quoted to 8 decimals, as a venue quotes them (the backtest reads prices on that grid).
        return as_candles(
            {
                "open_time": T0 + MINUTE * np.arange(bars, dtype=np.int64),
                "open": np.round(open_, 8),
                "high": np.round(high, 8),
                "low": np.round(low, 8),
                "close": np.round(close, 8),
                "volume": np.ones(bars),
            }
        )

    @staticmethod
    def waves(bars: int = 600, period: int = 80, seed: int = 3) -> Candles:
        """Swinging prices with noise: every built-in strategy finds crosses and breakouts."""
        rng = np.random.default_rng(seed)
        t = np.arange(bars)
        close = (
            100.0 + 10.0 * np.sin(2 * np.pi * t / period) + 4.0 * np.sin(2 * np.pi * t / 23) + rng.normal(0, 0.8, bars)
        )
        open_ = np.concatenate(([close[0]], close[:-1]))
        return as_candles(
            {
                "open_time": T0 + MINUTE * t.astype(np.int64),
                "open": open_,
                "high": np.maximum(open_, close) + 0.3,
                "low": np.minimum(open_, close) - 0.3,
                "close": close,
                "volume": np.ones(bars),
            }
        )


class ScriptedStrategy(Strategy):
    """Holds the targets it was built with: the test decides exactly what is wanted when."""

    name = "scripted"
    description = "targets given by the test"
    parameters = ()

    def __init__(self, targets: Sequence[float]) -> None:
        self.targets = np.asarray(targets, dtype=np.float64)

    def warmup_bars(self, params: Params) -> int:
        return 0

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        return self.targets[: len(candles)]
