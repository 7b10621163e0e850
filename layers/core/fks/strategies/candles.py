"""Candles as the strategies and the backtest see them: six aligned, read-only NumPy arrays.

The market-data frames carry ``open_time`` (epoch ms, int64) and OHLCV columns; converting once
here means every strategy and every grid run works on plain arrays and none can mutate them
(the indicator cache relies on that).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest

if TYPE_CHECKING:
    from fks.strategies.informative import InformativeSeries
    from fks.strategies.models import ServedModel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PRICE_COLUMNS = ("open", "high", "low", "close", "volume")
COLUMNS = ("open_time", *PRICE_COLUMNS)


class _Columnar(Protocol):
    """A pandas DataFrame or a mapping of column name to array: anything indexable by column."""

    def __getitem__(self, key: str, /) -> Any: ...

    def __contains__(self, key: object, /) -> bool: ...


@dataclass(frozen=True, slots=True, eq=False)
class Candles:
    open_time: IntArray
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray
    # The strategy's informative series (``fks.strategies.informative``), keyed by
    # (symbol or None for the strategy's own, timeframe), each aligned to these bars without lookahead.
    informative: Mapping[tuple[str | None, str], InformativeSeries] = field(default_factory=dict)
    # Stored models the strategy declared (``fks.strategies.models``), by kind: the same for every bar.
    models: Mapping[str, ServedModel] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.open_time.shape[0])

    def head(self, bars: int) -> Candles:
        """The first ``bars`` candles, as views (used to prove a strategy ignores the future); the
        informative series are cut where these bars end, as if the later data did not exist yet."""
        return self.window(0, min(max(bars, 0), len(self)))

    def from_bar(self, start: int) -> Candles:
        """The candles from bar ``start`` on, as views (history that starts later: warm-up checks)."""
        return self.window(min(max(start, 0), len(self)), len(self))

    def window(self, start: int, end: int) -> Candles:
        """Bars ``start .. end - 1`` with their informative series sliced to match."""
        informative = {key: series.window(start, end) for key, series in self.informative.items()}
        return Candles(
            self.open_time[start:end],
            self.open[start:end],
            self.high[start:end],
            self.low[start:end],
            self.close[start:end],
            self.volume[start:end],
            informative,
            self.models,
        )

    def with_informative(self, informative: Mapping[tuple[str | None, str], InformativeSeries]) -> Candles:
        arrays = (self.open_time, self.open, self.high, self.low, self.close, self.volume)
        return Candles(*arrays, informative=dict(informative), models=self.models)

    def with_models(self, models: Mapping[str, ServedModel]) -> Candles:
        arrays = (self.open_time, self.open, self.high, self.low, self.close, self.volume)
        return Candles(*arrays, informative=self.informative, models=dict(models))

    def informative_series(self, timeframe: str, symbol: str | None = None) -> InformativeSeries:
        """The informative series the strategy declared as ``Informative(timeframe, symbol)``."""
        try:
            return self.informative[(symbol, str(timeframe))]
        except KeyError:
            known = ", ".join(f"{s or 'own symbol'} {tf}" for s, tf in self.informative) or "none"
            raise BadRequest(
                f"informative series {symbol or 'own symbol'} {timeframe} was not supplied (declare it in "
                f"Strategy.informative); supplied: {known}"
            ) from None


CandlesLike = Candles | Mapping[str, Any] | _Columnar


def as_candles(data: CandlesLike) -> Candles:
    """Validate and convert a DataFrame or mapping with open_time + OHLCV columns.

    Raises BadRequest naming the first problem: a missing column, unequal lengths, times that do
    not strictly increase, or a non-finite / non-positive price or a high below the low.
    """
    if isinstance(data, Candles):
        return data
    missing = [name for name in COLUMNS if name not in data]
    if missing:
        raise BadRequest(f"candles are missing columns: {', '.join(missing)}")
    open_time = _times(data["open_time"])
    prices = [_readonly(np.asarray(data[name], dtype=np.float64)) for name in PRICE_COLUMNS]
    lengths = {array.shape[0] for array in (open_time, *prices)}
    if len(lengths) != 1 or any(array.ndim != 1 for array in prices):
        raise BadRequest("candle columns must be one-dimensional and of equal length")
    candles = Candles(open_time, prices[0], prices[1], prices[2], prices[3], prices[4])
    _check_values(candles)
    return candles


def _times(column: Any) -> IntArray:
    raw = np.asarray(column)
    if raw.size == 0:  # an empty frame's columns have no dtype to speak of
        return _readonly(np.empty(0, dtype=np.int64))
    if np.issubdtype(raw.dtype, np.datetime64):
        raw = raw.astype("datetime64[ms]").astype(np.int64)
    if not np.issubdtype(raw.dtype, np.integer):
        raise BadRequest(f"open_time must be epoch milliseconds (int64), got dtype {raw.dtype}")
    return _readonly(raw.astype(np.int64, copy=False))


def _readonly(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    view = array.view()
    view.flags.writeable = False
    return view


def _check_values(candles: Candles) -> None:
    if len(candles) > 1 and not bool(np.all(np.diff(candles.open_time) > 0)):
        bar = int(np.argmin(np.diff(candles.open_time) > 0)) + 1
        raise BadRequest(f"open_time must strictly increase; bar {bar} does not")
    for name in ("open", "high", "low", "close"):
        values = getattr(candles, name)
        bad = ~(np.isfinite(values) & (values > 0))
        if bad.any():
            raise BadRequest(f"{name} must be finite and positive; bar {int(np.argmax(bad))} is not")
    inverted = candles.high < candles.low
    if inverted.any():
        raise BadRequest(f"high is below low at bar {int(np.argmax(inverted))}")
