"""Candles as JSON: open_time as an integer, prices and volumes as exact decimal strings.

Money never becomes a JSON number, which most clients parse as a binary float.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# decimal128(38, 18) holds 38 significant digits; the default context (28) would round them.
_EXACT = Context(prec=40)


def decimal_text(value: Decimal) -> str:
    """Shortest exact text without exponent: ``Decimal('42000.000000000000000000')`` → ``'42000'``."""
    return format(value.normalize(_EXACT), "f")


def candles_to_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One JSON object per candle, in frame order."""
    # Imported here: decimal_text is used where no frame is (Timestream, the API's prices).
    from fks.market_data.candles import CANDLE_COLUMNS, PRICE_COLUMNS, frame_to_arrow

    table = frame_to_arrow(frame)
    columns = [table.column(name).to_pylist() for name in CANDLE_COLUMNS]
    rows: list[dict[str, Any]] = []
    for open_time, *values in zip(*columns, strict=True):
        row: dict[str, Any] = {"open_time": open_time}
        row.update({name: decimal_text(value) for name, value in zip(PRICE_COLUMNS, values, strict=True)})
        rows.append(row)
    return rows
