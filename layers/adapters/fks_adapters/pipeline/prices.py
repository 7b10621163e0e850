"""Recent prices from the platform's own candle store: the last close, and close series for
correlations. The risk check reads these instead of asking the exchange, so it costs no
exchange weight and sees the same data the strategies saw: 1m bars through the one candle
reader (``fks.market_data.series``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe

if TYPE_CHECKING:
    from fks.market_data.series import CandleSeriesReader

MINUTE_MS = 60_000


# One read per series covers every window a caller asks for (the last price, six hours for a
# correlation): S3 returns whole day partitions anyway, so a wider window costs nothing more.
READ_MINUTES = 6 * 60


class CandlePrices:
    """Meant for one invocation: each series is read once and kept for the instance's life."""

    def __init__(self, candles: CandleSeriesReader, exchange: str = "binance") -> None:
        self.candles = candles
        self.exchange = exchange
        self._read: dict[tuple[str, str, int, int], dict[int, Decimal]] = {}

    def closes(self, symbol: str, *, minutes: int, now_ms: int) -> dict[int, Decimal]:
        """1m closes by open time over the last ``minutes``."""
        span = max(minutes, READ_MINUTES)
        cache_key = (self.exchange, symbol, now_ms, span)
        if cache_key not in self._read:
            # pandas and pyarrow come with the first read, not with every function that can price.
            from fks.market_data.candles import frame_to_arrow

            key = SeriesKey.of(self.exchange, symbol, Timeframe.M1)
            table = frame_to_arrow(self.candles.read(key, now_ms - span * MINUTE_MS, now_ms + MINUTE_MS))
            times = table.column("open_time").to_pylist()
            closes = table.column("close").to_pylist()
            self._read[cache_key] = {int(t): Decimal(c) for t, c in zip(times, closes, strict=True)}
        start = now_ms - minutes * MINUTE_MS
        return {t: c for t, c in self._read[cache_key].items() if t >= start}

    def last_close(self, symbol: str, *, now_ms: int, max_age_minutes: int = 180) -> Decimal | None:
        """The newest close within ``max_age_minutes``; None when the series is older or absent
        (a price that old says nothing about what an order would cost now)."""
        recent = self.closes(symbol, minutes=max_age_minutes, now_ms=now_ms)
        return recent[max(recent)] if recent else None


def aligned(left: dict[int, Decimal], right: dict[int, Decimal]) -> tuple[list[Decimal], list[Decimal]]:
    """Two close series on the bar times they share, in time order."""
    common = sorted(left.keys() & right.keys())
    return [left[t] for t in common], [right[t] for t in common]
