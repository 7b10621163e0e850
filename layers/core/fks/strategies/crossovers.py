"""Trend following on line crossings: SMA, EMA and MACD.

All three stop and reverse: long from an upward cross, short from a downward one, flat before
the first cross (entering mid-trend on the first defined bar would be a signal nobody saw).
With shorts disallowed in the backtest the short leg becomes flat, i.e. long-only.
"""

from __future__ import annotations

import math

from fks.errors import BadRequest
from fks.indicators import ema, macd
from fks.indicators.window_sums import WindowSums
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import Candles, FloatArray
from fks.strategies.parameters import Parameter
from fks.strategies.signals import crossings, positions_from_events


def _window(name: str, default: int, description: str, low: int = 2) -> Parameter:
    return Parameter(name=name, type="int", default=default, min=low, max=5000, description=description)


# An EMA's seed weighs (1 - 2/(n+1))^k after k bars; below 1e-10 it moves no price by a tick.
_FADED = 1e-10


def ema_settle_bars(window: int) -> int:
    """Bars after which an EMA of ``window`` no longer depends on where its series started."""
    return math.ceil(math.log(_FADED) / math.log(1 - 2 / (window + 1)))


def _cross_positions(fast: FloatArray, slow: FloatArray) -> FloatArray:
    return positions_from_events(*crossings(fast, slow))


class _MovingAverageCross(Strategy):
    def check_relations(self, params: Params) -> None:
        if float(params["fast"]) >= float(params["slow"]):
            raise BadRequest(
                f"parameter fast ({params['fast']}) must be shorter than slow ({params['slow']})",
                details={"parameter": "fast"},
            )

    def warmup_bars(self, params: Params) -> int:
        # The slow average exists from bar slow-1; a cross compares it with the bar before.
        return int(params["slow"])


class SmaCross(_MovingAverageCross):
    name = "sma_cross"
    description = "Long when the fast SMA crosses above the slow SMA, short when it crosses below."
    parameters = (
        _window("fast", 10, "fast simple moving average, bars"),
        _window("slow", 30, "slow simple moving average, bars"),
    )

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        fast, slow = int(params["fast"]), int(params["slow"])
        # One set of prefix sums of the closes serves every window (a grid's twenty SMAs too).
        sums = cache.get(("window_sums", "close"), lambda: WindowSums(candles.close))
        fast_line = cache.get(("sma", "close", fast), lambda: sums.means(fast))
        slow_line = cache.get(("sma", "close", slow), lambda: sums.means(slow))
        return _cross_positions(fast_line, slow_line)


class EmaCross(_MovingAverageCross):
    name = "ema_cross"
    description = "Long when the fast EMA crosses above the slow EMA, short when it crosses below."
    parameters = (
        _window("fast", 12, "fast exponential moving average, bars"),
        _window("slow", 26, "slow exponential moving average, bars"),
    )

    def settle_bars(self, params: Params) -> int:
        return ema_settle_bars(int(params["slow"]))

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        fast, slow = int(params["fast"]), int(params["slow"])
        fast_line = cache.get(("ema", "close", fast), lambda: ema(candles.close, fast))
        slow_line = cache.get(("ema", "close", slow), lambda: ema(candles.close, slow))
        return _cross_positions(fast_line, slow_line)


class MacdCross(_MovingAverageCross):
    name = "macd"
    description = "Long when the MACD line crosses above its signal line, short when it crosses below."
    parameters = (
        _window("fast", 12, "fast EMA of the MACD line, bars"),
        _window("slow", 26, "slow EMA of the MACD line, bars"),
        _window("signal", 9, "EMA of the MACD line forming the signal line, bars", low=1),
    )

    def warmup_bars(self, params: Params) -> int:
        # The signal line starts at bar slow + signal - 2; a cross needs the bar before it.
        return int(params["slow"]) + int(params["signal"]) - 1

    def settle_bars(self, params: Params) -> int:
        # The signal line, an EMA of the MACD line, settles after the slow EMA under it has.
        return ema_settle_bars(int(params["slow"])) + ema_settle_bars(int(params["signal"]))

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        fast, slow, signal = int(params["fast"]), int(params["slow"]), int(params["signal"])
        result = cache.get(("macd", "close", fast, slow, signal), lambda: macd(candles.close, fast, slow, signal))
        return _cross_positions(result.line, result.signal)
