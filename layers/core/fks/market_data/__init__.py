"""Market data: timeframes, symbols, candles, validation, resampling and gap detection.

Pure domain code: no boto3, no ccxt. Adapters fetch and store; this package decides what a
correct candle is.
"""

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
from fks.market_data.gaps import Gap, find_gaps
from fks.market_data.parsing import PRICE_TYPE, ParseStatus, parse_decimals, parse_epoch_ms
from fks.market_data.resample import resample_candles
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
from fks.market_data.validation import RejectReason, ValidationResult, validate_candles

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
