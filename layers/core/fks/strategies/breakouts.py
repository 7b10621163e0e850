"""Breakout strategies: Bollinger bands and Donchian channels."""

from __future__ import annotations

from fks.indicators import bollinger, rolling_max, rolling_min
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import Candles, FloatArray
from fks.strategies.parameters import Parameter
from fks.strategies.signals import positions_from_events, previous


class BollingerBreakout(Strategy):
    name = "bollinger_breakout"
    description = (
        "Long when the close breaks above the upper band, short below the lower band; "
        "flat again when the close crosses back over the middle band."
    )
    parameters = (
        Parameter(name="window", type="int", default=20, min=2, max=5000, description="band window, bars"),
        Parameter(
            name="num_std",
            type="float",
            default=2.0,
            min=0.1,
            max=10.0,
            description="band width in population standard deviations",
        ),
    )

    def warmup_bars(self, params: Params) -> int:
        return int(params["window"]) - 1

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        window, num_std = int(params["window"]), float(params["num_std"])
        band = cache.get(("bollinger", "close", window, num_std), lambda: bollinger(candles.close, window, num_std))
        close = candles.close
        return positions_from_events(
            long_entry=close > band.upper,
            short_entry=close < band.lower,
            long_exit=close < band.middle,
            short_exit=close > band.middle,
        )


class DonchianBreakout(Strategy):
    name = "donchian_breakout"
    description = (
        "Turtle-style: long when the close exceeds the highest high of the previous entry_window "
        "bars, short below the lowest low; exit on the opposite exit_window extreme."
    )
    parameters = (
        Parameter(name="entry_window", type="int", default=20, min=2, max=5000, description="breakout channel, bars"),
        Parameter(name="exit_window", type="int", default=10, min=1, max=5000, description="exit channel, bars"),
    )

    def warmup_bars(self, params: Params) -> int:
        # The channel of the previous entry_window bars exists from bar entry_window.
        return max(int(params["entry_window"]), int(params["exit_window"]))

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        entry, exit_ = int(params["entry_window"]), int(params["exit_window"])

        # The channel up to bar t-1: a close cannot break a channel that already contains it.
        def highest(window: int) -> FloatArray:
            return cache.get(("prev_max", "high", window), lambda: previous(rolling_max(candles.high, window)))

        def lowest(window: int) -> FloatArray:
            return cache.get(("prev_min", "low", window), lambda: previous(rolling_min(candles.low, window)))

        close = candles.close
        return positions_from_events(
            long_entry=close > highest(entry),
            short_entry=close < lowest(entry),
            long_exit=close < lowest(exit_),
            short_exit=close > highest(exit_),
        )
