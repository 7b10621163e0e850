"""Where candles live, as the domain sees it: a series key, the partition spelling, the store interface.

The S3 dataset is partitioned ``exchange=<id>/symbol=<BASE-QUOTE>/timeframe=<tf>/date=<YYYY-MM-DD>``.
A unified symbol's ``/`` cannot be a partition value as it is (it would split the path, and
percent-encoding it as ``BTC%2FUSDT`` is decoded differently by S3 consoles, Athena and Glue),
so the partition spells it ``BTC-USDT`` and a derivative's settle asset after ``_``
(``BTC/USDT:USDT`` → ``BTC-USDT_USDT``). Assets are letters and digits only, so the spelling reads
back unambiguously.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from fks.errors import BadRequest
from fks.market_data.symbols import parse_symbol, validate_symbol
from fks.market_data.timeframes import DAY_MS, Timeframe, parse_timeframe

if TYPE_CHECKING:  # only the store's signatures name pandas: a key alone must not import it
    import pandas as pd


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """One candle series: an exchange's unified symbol at one timeframe."""

    exchange: str
    symbol: str
    timeframe: Timeframe

    @classmethod
    def of(cls, exchange: str, symbol: str, timeframe: str | Timeframe) -> SeriesKey:
        name = exchange.strip().lower()
        if not name.isalnum():
            raise BadRequest(
                f"invalid exchange id {exchange!r}: letters and digits only", details={"exchange": exchange}
            )
        return cls(name, validate_symbol(symbol), parse_timeframe(timeframe))

    @property
    def partition_symbol(self) -> str:
        return symbol_to_partition(self.symbol)

    def __str__(self) -> str:
        return f"{self.exchange}:{self.symbol}:{self.timeframe.value}"


def symbol_to_partition(symbol: str) -> str:
    parsed = parse_symbol(symbol)
    spot = f"{parsed.base}-{parsed.quote}"
    return f"{spot}_{parsed.settle}" if parsed.settle else spot


def symbol_from_partition(value: str) -> str:
    """Inverse of ``symbol_to_partition``; also takes the unified spelling (a path segment of the API)."""
    spot, _, settle = value.strip().partition("_")
    unified = spot.replace("-", "/", 1) if "/" not in spot else spot
    return validate_symbol(f"{unified}:{settle}" if settle else unified)


def partition_date(open_time_ms: int) -> str:
    """The UTC date partition a candle belongs to."""
    return datetime.fromtimestamp(open_time_ms // 1000, tz=UTC).strftime("%Y-%m-%d")


def day_start_ms(date: str) -> int:
    parsed = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC)
    return int(parsed.timestamp()) * 1000


def dates_in_range(start_ms: int, end_ms: int) -> list[str]:
    """Every date partition that can hold an open time in ``[start_ms, end_ms)``."""
    if end_ms <= start_ms:
        return []
    first = start_ms - start_ms % DAY_MS
    return [partition_date(day) for day in range(first, end_ms, DAY_MS)]


class CandleStore(Protocol):
    """The system of record for candle history (S3 Parquet in this project)."""

    def write(self, key: SeriesKey, frame: pd.DataFrame) -> int:
        """Store validated candles; rewriting stored ones keeps one copy. Returns how many were new."""
        ...

    def read(self, key: SeriesKey, start_ms: int, end_ms: int) -> pd.DataFrame:
        """Candles with ``start_ms <= open_time < end_ms``, sorted, as a candle frame."""
        ...

    def latest_open_time(self, key: SeriesKey) -> int | None:
        """Open time of the newest stored candle, or None when nothing is stored."""
        ...

    def delete_range(self, key: SeriesKey, start_ms: int, end_ms: int) -> int:
        """Remove stored candles in ``[start_ms, end_ms)``; returns how many were removed."""
        ...
