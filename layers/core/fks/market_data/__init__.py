"""Market data: timeframes, symbols, candles, validation, resampling and gap detection.

Pure domain code: no boto3, no ccxt. Adapters fetch and store; this package decides what a
correct candle is.

Names are imported on first use (PEP 562): importing the package, or a light submodule such as
``fks.market_data.symbols``, does not import pandas, so functions that only name symbols or
timeframes need neither the time nor the AWS SDK for pandas layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fks.market_data.candles import (
        CANDLE_COLUMNS,
        CANDLE_SCHEMA,
        PRICE_COLUMNS,
        PRICE_DTYPE,
        Candle,
        candles_from_frame,
        empty_candle_frame,
        frame_from_arrow,
        frame_from_candles,
        frame_to_arrow,
        raw_frame_from_ccxt,
    )
    from fks.market_data.gaps import (
        Gap,
        find_gaps,
    )
    from fks.market_data.parsing import (
        PRICE_TYPE,
        ParseStatus,
        parse_decimals,
        parse_epoch_ms,
    )
    from fks.market_data.resample import (
        resample_candles,
    )
    from fks.market_data.symbols import (
        Symbol,
        from_exchange_symbol,
        parse_symbol,
        to_exchange_symbol,
        validate_symbol,
    )
    from fks.market_data.timeframes import (
        SUPPORTED_TIMEFRAMES,
        Timeframe,
        ceil_time,
        closed_mask,
        floor_time,
        floor_times,
        is_aligned,
        is_closed,
        last_closed_open_time,
        parse_timeframe,
    )
    from fks.market_data.validation import (
        RejectReason,
        ValidationResult,
        validate_candles,
    )

_HOMES: dict[str, str] = {
    "CANDLE_COLUMNS": "fks.market_data.candles",
    "CANDLE_SCHEMA": "fks.market_data.candles",
    "PRICE_COLUMNS": "fks.market_data.candles",
    "PRICE_DTYPE": "fks.market_data.candles",
    "Candle": "fks.market_data.candles",
    "candles_from_frame": "fks.market_data.candles",
    "empty_candle_frame": "fks.market_data.candles",
    "frame_from_arrow": "fks.market_data.candles",
    "frame_from_candles": "fks.market_data.candles",
    "frame_to_arrow": "fks.market_data.candles",
    "raw_frame_from_ccxt": "fks.market_data.candles",
    "Gap": "fks.market_data.gaps",
    "find_gaps": "fks.market_data.gaps",
    "PRICE_TYPE": "fks.market_data.parsing",
    "ParseStatus": "fks.market_data.parsing",
    "parse_decimals": "fks.market_data.parsing",
    "parse_epoch_ms": "fks.market_data.parsing",
    "resample_candles": "fks.market_data.resample",
    "Symbol": "fks.market_data.symbols",
    "from_exchange_symbol": "fks.market_data.symbols",
    "parse_symbol": "fks.market_data.symbols",
    "to_exchange_symbol": "fks.market_data.symbols",
    "validate_symbol": "fks.market_data.symbols",
    "SUPPORTED_TIMEFRAMES": "fks.market_data.timeframes",
    "Timeframe": "fks.market_data.timeframes",
    "ceil_time": "fks.market_data.timeframes",
    "closed_mask": "fks.market_data.timeframes",
    "floor_time": "fks.market_data.timeframes",
    "floor_times": "fks.market_data.timeframes",
    "is_aligned": "fks.market_data.timeframes",
    "is_closed": "fks.market_data.timeframes",
    "last_closed_open_time": "fks.market_data.timeframes",
    "parse_timeframe": "fks.market_data.timeframes",
    "RejectReason": "fks.market_data.validation",
    "ValidationResult": "fks.market_data.validation",
    "validate_candles": "fks.market_data.validation",
}

__all__ = [
    "CANDLE_COLUMNS",
    "CANDLE_SCHEMA",
    "PRICE_COLUMNS",
    "PRICE_DTYPE",
    "PRICE_TYPE",
    "SUPPORTED_TIMEFRAMES",
    "Candle",
    "Gap",
    "ParseStatus",
    "RejectReason",
    "Symbol",
    "Timeframe",
    "ValidationResult",
    "candles_from_frame",
    "ceil_time",
    "closed_mask",
    "empty_candle_frame",
    "find_gaps",
    "floor_time",
    "floor_times",
    "frame_from_arrow",
    "frame_from_candles",
    "frame_to_arrow",
    "from_exchange_symbol",
    "is_aligned",
    "is_closed",
    "last_closed_open_time",
    "parse_decimals",
    "parse_epoch_ms",
    "parse_symbol",
    "parse_timeframe",
    "raw_frame_from_ccxt",
    "resample_candles",
    "to_exchange_symbol",
    "validate_candles",
    "validate_symbol",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
