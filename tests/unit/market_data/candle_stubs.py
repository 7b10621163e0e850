"""Small builders for market data tests: readable rows, not giant fixtures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from fks.market_data import CANDLE_SCHEMA, PRICE_TYPE, frame_from_arrow

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# 2024-01-01T00:00:00Z, a Monday, so it starts a minute, an hour, a day and a week.
JAN_1_2024 = 1_704_067_200_000
# 2024-03-31T00:00:00Z: Europe moves its clocks that day; a UTC day still has 1,440 minutes.
MAR_31_2024 = 1_711_843_200_000


def ccxt_row(
    open_time: Any,
    open_: Any = 100.0,
    high: Any = 110.0,
    low: Any = 90.0,
    close: Any = 105.0,
    volume: Any = 1.5,
) -> list[Any]:
    """One row as ccxt's fetch_ohlcv returns it: a consistent candle unless told otherwise."""
    return [open_time, open_, high, low, close, volume]


def candle_frame(rows: Sequence[tuple[int, str, str, str, str, str]]) -> pd.DataFrame:
    """A validated-looking candle frame from (open_time, o, h, l, c, v) with prices as text."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(6)]
    arrays = [pa.array(columns[0], type=pa.int64())]
    arrays += [pa.array(list(values), type=pa.string()).cast(PRICE_TYPE) for values in columns[1:]]
    return frame_from_arrow(pa.Table.from_arrays(arrays, schema=CANDLE_SCHEMA))
