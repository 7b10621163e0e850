"""Informative series: other timeframes and symbols a strategy reads beside its own bars.

A strategy declares them (``Strategy.informative``): ``Informative("1d")`` is its own symbol's daily
bars, ``Informative("1d", "BTC/USDT")`` another symbol's (same exchange). They are resampled from the
stored 1m base by the same ``CandleSeriesReader`` as the strategy's own bars and handed to it on
``candles.informative_series(timeframe, symbol)`` as an ``InformativeSeries``: the bars at their own
timeframe (compute indicators on those) and, per strategy bar, which of them was already *closed*
when that bar closed (``visible``). ``align`` maps indicator values onto the strategy's bars.

Without lookahead: a 1d bar opening at day D closes at D + 24h, so a 1h bar closing at D + 10h sees
day D - 1, never day D (freqtrade's ``merge_informative_pair`` rule). Same-timeframe series of
another symbol are visible on the bar that closes with them. Cutting the strategy's bars
(``Candles.head``) cuts each informative series where they end, so the lookahead analysis of
``fks strategy check`` also catches a strategy peeking at a later informative bar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fks.errors import BadRequest
from fks.market_data.symbols import validate_symbol
from fks.market_data.timeframes import Timeframe, parse_timeframe
from fks.strategies.candles import Candles, FloatArray, IntArray

# How far back an informative series is read at most, in its bars: a year of days, 2 weeks of 1h.
MAX_INFORMATIVE_BARS = 5_000


@dataclass(frozen=True, slots=True)
class Informative:
    """One extra series: ``timeframe`` bars of ``symbol`` (None: the strategy's own symbol).

    ``bars`` is the history the strategy's indicators on it need before its first bar (its warm-up,
    in bars of ``timeframe``): read before the first strategy bar, so a daily EMA(50) is settled.
    """

    timeframe: Timeframe
    symbol: str | None = None
    bars: int = 0

    @classmethod
    def of(cls, timeframe: str | Timeframe, symbol: str | None = None, bars: int = 0) -> Informative:
        if not isinstance(bars, int) or isinstance(bars, bool) or not 0 <= bars <= MAX_INFORMATIVE_BARS:
            raise BadRequest(f"informative bars must be an int in [0, {MAX_INFORMATIVE_BARS}], got {bars!r}")
        return cls(parse_timeframe(timeframe), validate_symbol(symbol) if symbol is not None else None, bars)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.symbol, self.timeframe.value)

    def __str__(self) -> str:
        return f"{self.symbol or 'own symbol'} {self.timeframe.value}"


def visible_bars(base_open: IntArray, base_tf: Timeframe, info_open: IntArray, info_tf: Timeframe) -> IntArray:
    """Per base bar, the index of the newest informative bar closed when the base bar closed (-1: none)."""
    base_close = base_open + base_tf.ms
    info_close = info_open + info_tf.ms  # increasing: open times strictly increase
    return (np.searchsorted(info_close, base_close, side="right") - 1).astype(np.int64)


@dataclass(frozen=True, slots=True, eq=False)
class InformativeSeries:
    spec: Informative
    candles: Candles  # whole bars of spec.timeframe, oldest first
    visible: IntArray  # per strategy bar: index into ``candles`` of the newest closed bar, -1 none

    def align(self, values: FloatArray) -> FloatArray:
        """``values`` (one per informative bar) as seen at each strategy bar: NaN before the first closed one."""
        array = np.asarray(values, dtype=np.float64)
        if array.shape != (len(self.candles),):
            raise ValueError(f"align expects {len(self.candles)} values (one per {self.spec} bar), got {array.shape}")
        out = np.full(self.visible.shape, np.nan)
        seen = self.visible >= 0
        out[seen] = array[self.visible[seen]]
        return out

    def window(self, start: int, end: int) -> InformativeSeries:
        """The series as the strategy bars ``start .. end - 1`` see it: nothing after the newest bar
        visible at ``end - 1`` (the future cut off), and ``spec.bars`` of history before ``start``."""
        visible = self.visible[start:end]
        if visible.size == 0:
            return InformativeSeries(self.spec, self.candles.head(0), visible)
        first_seen = int(visible[0]) if visible[0] >= 0 else 0
        first = max(0, first_seen - self.spec.bars)
        last = int(visible.max()) + 1
        shifted = np.where(visible >= 0, visible - first, -1).astype(np.int64)
        return InformativeSeries(self.spec, _plain(self.candles, first, last), shifted)


def _plain(candles: Candles, start: int, end: int) -> Candles:
    return Candles(
        candles.open_time[start:end],
        candles.open[start:end],
        candles.high[start:end],
        candles.low[start:end],
        candles.close[start:end],
        candles.volume[start:end],
    )


def attach(base: Candles, base_tf: Timeframe, series: dict[Informative, Candles]) -> Candles:
    """``base`` carrying each informative series aligned to it."""
    informative = {
        spec.key: InformativeSeries(spec, info, visible_bars(base.open_time, base_tf, info.open_time, spec.timeframe))
        for spec, info in series.items()
    }
    return base.with_informative(informative)
