"""Mean reversion on Wilder's RSI."""

from __future__ import annotations

from fks.errors import BadRequest
from fks.indicators import rsi
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import Candles, FloatArray
from fks.strategies.parameters import Parameter
from fks.strategies.signals import positions_from_events


class RsiReversion(Strategy):
    name = "rsi_reversion"
    description = (
        "Long while the RSI is oversold (below lower) until it recovers to exit_level; "
        "short while overbought (above upper) until it falls back to exit_level."
    )
    parameters = (
        Parameter(name="window", type="int", default=14, min=2, max=5000, description="RSI window, bars"),
        Parameter(name="lower", type="float", default=30.0, min=1.0, max=99.0, description="oversold level"),
        Parameter(name="upper", type="float", default=70.0, min=1.0, max=99.0, description="overbought level"),
        Parameter(name="exit_level", type="float", default=50.0, min=1.0, max=99.0, description="level that closes"),
    )

    def check_relations(self, params: Params) -> None:
        lower, exit_level, upper = (float(params[name]) for name in ("lower", "exit_level", "upper"))
        if not lower < exit_level < upper:
            raise BadRequest(
                f"parameters must satisfy lower < exit_level < upper, got {lower} / {exit_level} / {upper}",
                details={"parameter": "exit_level"},
            )

    def warmup_bars(self, params: Params) -> int:
        return int(params["window"])

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        window = int(params["window"])
        lower, upper, exit_level = float(params["lower"]), float(params["upper"]), float(params["exit_level"])
        value = cache.get(("rsi", "close", window), lambda: rsi(candles.close, window))
        return positions_from_events(
            long_entry=value < lower,
            short_entry=value > upper,
            long_exit=value >= exit_level,
            short_exit=value <= exit_level,
        )
