"""Candles: one ``Candle`` model for API boundaries, one columnar frame for bulk work.

The candle frame has the columns of ``CANDLE_SCHEMA``: ``open_time`` as numpy int64 (UTC epoch
ms) and ``open high low close volume`` as ``pd.ArrowDtype(decimal128(38, 18))``.

Why decimal128(38, 18) for prices and volumes:
- exact: a price is the decimal the exchange published, never a binary float (``0.1 + 0.2`` sums
  to ``0.3``), and each cell comes out as a ``Decimal``, the type the money path uses;
- one type for every market: 20 integer digits and 18 decimals hold BTC at 1e5, tokens quoted at
  1e-10 and per-minute volumes up to 1e20, where a scaled int64 would need a scale chosen per
  market (8 decimals lose 1e-10 prices; 18 decimals overflow int64 above 9.2);
- vectorised: Arrow compares, sorts, takes, sums and takes min/max of it in C++, so validation
  and resampling never loop in Python;
- Parquet and awswrangler store it natively as DECIMAL(38, 18), and reading gives it back as is.
Strings kept from the exchange would be exact too, but every comparison would parse them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Any, Self

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.errors import BadRequest
from fks.market_data.parsing import PRICE_PRECISION, PRICE_SCALE, PRICE_TYPE
from fks.market_data.symbols import validate_symbol
from fks.market_data.timeframes import Timeframe, is_aligned, parse_timeframe

PRICE_DTYPE = pd.ArrowDtype(PRICE_TYPE)
PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume")
CANDLE_COLUMNS: tuple[str, ...] = ("open_time", *PRICE_COLUMNS)
CANDLE_SCHEMA = pa.schema(
    [pa.field("open_time", pa.int64(), nullable=False)]
    + [pa.field(name, PRICE_TYPE, nullable=False) for name in PRICE_COLUMNS]
)
CCXT_ROW_LENGTH = 6

Price = Annotated[Decimal, Field(gt=0, max_digits=PRICE_PRECISION, decimal_places=PRICE_SCALE)]
Volume = Annotated[Decimal, Field(ge=0, max_digits=PRICE_PRECISION, decimal_places=PRICE_SCALE)]


class Candle(BaseModel):
    """One closed candle; prices arrive as Decimal, text or float (read via its shortest text)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exchange: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9]+$")
    symbol: str
    timeframe: Timeframe
    open_time: int = Field(ge=0, description="UTC epoch milliseconds of the candle's start")
    open: Price
    high: Price
    low: Price
    close: Price
    volume: Volume

    @field_validator("symbol")
    @classmethod
    def _unified_symbol(cls, value: str) -> str:
        try:
            return validate_symbol(value)
        except BadRequest as error:
            raise ValueError(error.message) from None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not is_aligned(self.open_time, self.timeframe):
            raise ValueError(f"open_time {self.open_time} is not aligned to {self.timeframe.value}")
        if self.low > self.high:
            raise ValueError("low is above high")
        if self.low > min(self.open, self.close):
            raise ValueError("low is above min(open, close)")
        if self.high < max(self.open, self.close):
            raise ValueError("high is below max(open, close)")
        return self


def empty_candle_frame() -> pd.DataFrame:
    return frame_from_arrow(CANDLE_SCHEMA.empty_table())


def frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """Candle frame from an Arrow table with the candle columns (e.g. read back from Parquet)."""
    columns: dict[str, Any] = {"open_time": table.column("open_time").to_numpy().astype(np.int64, copy=False)}
    for name in PRICE_COLUMNS:
        columns[name] = pd.arrays.ArrowExtensionArray(table.column(name).cast(PRICE_TYPE))
    return pd.DataFrame(columns)


def frame_to_arrow(frame: pd.DataFrame) -> pa.Table:
    """The candle columns of ``frame`` as an Arrow table with ``CANDLE_SCHEMA``."""
    arrays = [pa.array(frame["open_time"].to_numpy(dtype=np.int64))]
    arrays += [pa.array(frame[name]).cast(PRICE_TYPE) for name in PRICE_COLUMNS]
    return pa.Table.from_arrays(arrays, schema=CANDLE_SCHEMA)


def raw_frame_from_ccxt(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """A raw (unvalidated) frame from ccxt's ``[[ts, o, h, l, c, v], ...]``, losing nothing.

    Each column keeps the type ccxt gave (float, int, text or Decimal) and is read exactly by
    ``validate_candles``. A column that mixes types (ccxt configured to return text for some
    values) is kept as text, one ``str()`` per value: the only per-value Python on the bulk path.
    Raises ``BadRequest`` when rows are not six values each: the adapter broke its contract.
    """
    if len(rows) == 0:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in CANDLE_COLUMNS})
    try:
        columns = list(zip(*rows, strict=True))
    except ValueError:
        raise BadRequest("ccxt OHLCV rows must all have the same length") from None
    if len(columns) != CCXT_ROW_LENGTH:
        raise BadRequest(f"ccxt OHLCV rows must have {CCXT_ROW_LENGTH} values, got {len(columns)}")
    return pd.DataFrame(
        {
            name: pd.arrays.ArrowExtensionArray(_column_to_arrow(values))
            for name, values in zip(CANDLE_COLUMNS, columns, strict=True)
        }
    )


def candles_from_frame(frame: pd.DataFrame, *, exchange: str, symbol: str, timeframe: str | Timeframe) -> list[Candle]:
    """Models for each row of a candle frame: for API responses, not bulk work (one model per row)."""
    tf = parse_timeframe(timeframe)
    table = frame_to_arrow(frame)
    columns = [table.column(name).to_pylist() for name in CANDLE_COLUMNS]
    return [
        Candle(
            exchange=exchange,
            symbol=symbol,
            timeframe=tf,
            open_time=open_time,
            open=open_,
            high=high,
            low=low,
            close=close,
            volume=volume,
        )
        for open_time, open_, high, low, close, volume in zip(*columns, strict=True)
    ]


def frame_from_candles(candles: Iterable[Candle]) -> pd.DataFrame:
    """Candle frame from models of one series, in the given order (the models are validated;
    exchange, symbol and timeframe are not columns of a candle frame)."""
    items = list(candles)
    arrays = [pa.array([candle.open_time for candle in items], type=pa.int64())]
    arrays += [pa.array([getattr(candle, name) for candle in items], type=PRICE_TYPE) for name in PRICE_COLUMNS]
    return frame_from_arrow(pa.Table.from_arrays(arrays, schema=CANDLE_SCHEMA))


def _column_to_arrow(values: Sequence[Any]) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([None if value is None else str(value) for value in values], type=pa.string())
