"""RSI pullbacks in the direction of the trend: buy a dip in an uptrend, sell a rally in a downtrend.

The example plugin (docs/strategies.md): a trend filter (the close against its EMA) decides the
side, the RSI decides the moment. Long when the close is above the trend EMA and the RSI dips
below ``oversold``; the long closes when the RSI recovers to ``exit_level`` or the trend turns.
Short is the mirror image, when ``allow_short`` is ``yes``.
"""

from __future__ import annotations

import numpy as np

from fks.errors import BadRequest
from fks.indicators import ema, rsi
from fks.strategies import Candles, IndicatorCache, Parameter, Params, Strategy
from fks.strategies.candles import FloatArray
from fks.strategies.signals import positions_from_events


class RsiTrend(Strategy):
    name = "rsi_trend"
    description = (
        "Buys RSI dips below oversold while the close is above its trend EMA (sells rallies above "
        "overbought below it when shorting is allowed); exits at exit_level or when the trend turns."
    )
    parameters = (
        Parameter(name="rsi_window", type="int", default=14, min=2, max=500, description="RSI window, bars"),
        Parameter(name="trend_window", type="int", default=100, min=2, max=5000, description="trend EMA window, bars"),
        Parameter(name="oversold", type="float", default=30.0, min=1.0, max=99.0, description="long entry RSI"),
        Parameter(name="overbought", type="float", default=70.0, min=1.0, max=99.0, description="short entry RSI"),
        Parameter(name="exit_level", type="float", default=55.0, min=1.0, max=99.0, description="RSI closing a long"),
        Parameter(name="allow_short", type="choice", default="no", choices=("no", "yes"), description="short too"),
    )  # fmt: skip

    def check_relations(self, params: Params) -> None:
        oversold, overbought = float(params["oversold"]), float(params["overbought"])
        if not oversold < overbought:
            raise BadRequest(
                f"parameters must satisfy oversold < overbought, got {oversold} / {overbought}",
                details={"parameter": "overbought"},
            )
        if not oversold < float(params["exit_level"]):
            raise BadRequest(
                f"exit_level must be above oversold, got {params['exit_level']} <= {oversold}",
                details={"parameter": "exit_level"},
            )

    def warmup_bars(self, params: Params) -> int:
        return max(int(params["rsi_window"]), int(params["trend_window"]))

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        rsi_window, trend_window = int(params["rsi_window"]), int(params["trend_window"])
        oversold, overbought = float(params["oversold"]), float(params["overbought"])
        exit_long = float(params["exit_level"])
        exit_short = 100.0 - exit_long
        strength = cache.get(("rsi", "close", rsi_window), lambda: rsi(candles.close, rsi_window))
        trend = cache.get(("ema", "close", trend_window), lambda: ema(candles.close, trend_window))
        up, down = candles.close > trend, candles.close < trend
        shorting = params["allow_short"] == "yes"
        return positions_from_events(
            long_entry=up & (strength < oversold),
            short_entry=(down & (strength > overbought)) if shorting else np.zeros_like(up),
            long_exit=(strength >= exit_long) | ~up,
            short_exit=((strength <= exit_short) | ~down) if shorting else None,
        )
