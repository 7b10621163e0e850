"""Exact, vectorised parsing of prices, volumes and timestamps from what exchanges send.

Prices become ``decimal128(38, 18)`` (see ``candles`` for why). A float from ccxt is read as the
shortest decimal that reads back as the same float, the value Python's ``repr`` prints
(``float_decimals`` finds it in numpy arithmetic; Arrow's float-to-text cast does the rest).
ccxt parsed the exchange's text ``"0.1"`` into the float nearest 0.1, and the shortest decimal
recovers ``0.1`` exactly for any text of up to 15 significant digits, which covers the prices
and volumes exchanges publish. ``Decimal(0.1)`` would keep the binary error (0.1000000000000000055...).

Each value gets a status instead of an exception, so one bad row rejects one row, not the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fks.market_data.float_decimals import common_scale_decimals

PRICE_PRECISION = 38
PRICE_SCALE = 18
PRICE_TYPE = pa.decimal128(PRICE_PRECISION, PRICE_SCALE)
# The largest power of ten a stored value may reach (20 integer digits), and the smallest.
_MAX_EXPONENT = PRICE_PRECISION - PRICE_SCALE - 1
_MIN_EXPONENT = -PRICE_SCALE

_DECIMAL_TEXT = r"^[+-]?(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d{1,6}))?$"
_INTEGER_TEXT = r"^[+-]?\d{1,18}$"


class ParseStatus(IntEnum):
    OK = 0
    MISSING = 1
    NOT_A_NUMBER = 2
    OUT_OF_RANGE = 3


@dataclass(frozen=True, slots=True)
class ParsedDecimals:
    values: pa.Array  # decimal128(38, 18); null wherever status is not OK
    status: npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class ParsedTimes:
    values: npt.NDArray[np.int64]  # 0 wherever ok is False
    ok: npt.NDArray[np.bool_]


def as_arrow(values: pd.Series | pa.Array | pa.ChunkedArray | Sequence[Any]) -> pa.Array:
    """One contiguous Arrow array. None is missing; a float NaN is missing only in a numpy-backed
    Series, where it is pandas' missing marker, and otherwise not a number."""
    if isinstance(values, pd.Series):
        array = pa.Array.from_pandas(values)
    elif isinstance(values, pa.Array | pa.ChunkedArray):
        array = values
    else:
        array = pa.array(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def parse_decimals(values: pd.Series | pa.Array | pa.ChunkedArray | Sequence[Any]) -> ParsedDecimals:
    """Exact decimals from floats, integers, decimals or text, with a status per value."""
    array = as_arrow(values)
    kind = array.type
    if kind == PRICE_TYPE:
        return ParsedDecimals(array, _missing_or_ok(array))
    if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        try:
            return ParsedDecimals(array.cast(PRICE_TYPE), _missing_or_ok(array))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _parse_text(array.cast(pa.string()))
    if kind == pa.float64():
        return _parse_floats(array)
    if pa.types.is_floating(kind) or _is_text(kind):
        return _parse_text(array.cast(pa.string()))
    status = np.where(array.is_null().to_numpy(zero_copy_only=False), ParseStatus.MISSING, ParseStatus.NOT_A_NUMBER)
    return ParsedDecimals(pa.nulls(len(array), PRICE_TYPE), status.astype(np.int8))


def parse_epoch_ms(values: pd.Series | pa.Array | pa.ChunkedArray | Sequence[Any]) -> ParsedTimes:
    """Whole epoch milliseconds from integers, integral floats or integer text."""
    array = as_arrow(values)
    kind = array.type
    if pa.types.is_floating(kind):
        floats = array.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(floats) & (np.floor(floats) == floats) & (np.abs(floats) < 2.0**53)
        return ParsedTimes(np.where(ok, floats, 0).astype(np.int64), ok)
    if pa.types.is_integer(kind):
        try:
            return _times(array.cast(pa.int64()))
        except pa.ArrowInvalid:  # beyond int64; the text rule below rejects it
            kind = pa.string()
    if pa.types.is_integer(kind) or pa.types.is_decimal(kind) or _is_text(kind):
        text = pc.utf8_trim_whitespace(array.cast(pa.string()))
        text = pc.replace_substring_regex(text, pattern=r"\.0*$", replacement="")
        is_integer = pc.fill_null(pc.match_substring_regex(text, _INTEGER_TEXT), False)
        return _times(pc.if_else(is_integer, text, pa.scalar(None, pa.string())).cast(pa.int64()))
    return _times(pa.nulls(len(array), pa.int64()))


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _times(array: pa.Array) -> ParsedTimes:
    ok = array.is_valid().to_numpy(zero_copy_only=False)
    return ParsedTimes(array.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64), ok)


def _missing_or_ok(array: pa.Array) -> npt.NDArray[np.int8]:
    missing = array.is_null().to_numpy(zero_copy_only=False)
    return np.where(missing, ParseStatus.MISSING, ParseStatus.OK).astype(np.int8)


def _parse_floats(array: pa.Array) -> ParsedDecimals:
    """Most floats settle in numpy arithmetic; the rest (NaN, 16+ digits) go through text."""
    missing = array.is_null().to_numpy(zero_copy_only=False)
    floats = array.fill_null(np.nan).to_numpy(zero_copy_only=False)  # NaN never settles
    values, settled = common_scale_decimals(floats, PRICE_TYPE)
    status = np.where(settled, ParseStatus.OK, ParseStatus.MISSING).astype(np.int8)
    unsettled = ~settled & ~missing
    if unsettled.any():
        by_text = _parse_text(pa.array(floats[unsettled]).cast(pa.string()))
        values = pc.replace_with_mask(values, pa.array(unsettled), by_text.values)
        status[unsettled] = by_text.status
    return ParsedDecimals(values, status)


def _parse_text(text: pa.Array) -> ParsedDecimals:
    text = pc.utf8_trim_whitespace(text)
    try:
        # The common case: every value is clean, and Arrow parses the lot in one pass.
        return ParsedDecimals(text.cast(PRICE_TYPE), _missing_or_ok(text))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        status = _classify_text(text)
    usable = pa.array(status == ParseStatus.OK)
    values = pc.if_else(usable, text, pa.scalar(None, pa.string())).cast(PRICE_TYPE)
    return ParsedDecimals(values, status)


def _classify_text(text: pa.Array) -> npt.NDArray[np.int8]:
    """Status of each text value without parsing it: which would not fit decimal128(38, 18).

    A value is ``digits x 10**point`` where ``digits`` is the integer and fraction digits
    written and ``point = exponent - len(fraction)``; it fits when its leading digit sits at
    most at 10**19 and its last non-zero digit at least at 10**-18.
    """
    parts = pc.extract_regex(text, _DECIMAL_TEXT)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    integer, fraction, exponent = (parts.field(name) for name in ("int", "frac", "exp"))
    digits = pc.binary_join_element_wise(integer, fraction, "")
    written = _lengths(digits)
    significant = pc.utf8_ltrim(digits, characters="0")
    significant_count = _lengths(significant)
    trailing_zeros = significant_count - _lengths(pc.utf8_rtrim(significant, characters="0"))
    exponent_text = pc.utf8_ltrim(exponent, characters="+")
    exponent_text = pc.if_else(pc.equal(exponent_text, ""), "0", exponent_text)
    exponents = exponent_text.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    point = exponents - _lengths(fraction)
    is_zero = significant_count == 0
    fits = is_zero | ((point + significant_count - 1 <= _MAX_EXPONENT) & (point + trailing_zeros >= _MIN_EXPONENT))
    # Arrow's parser accumulates every written digit, so very long texts cannot be read at all.
    fits &= written <= PRICE_PRECISION
    missing = text.is_null().to_numpy(zero_copy_only=False)
    numeric = matched & (written > 0)
    status = np.full(len(text), ParseStatus.NOT_A_NUMBER, dtype=np.int8)
    status[numeric & ~fits] = ParseStatus.OUT_OF_RANGE
    status[numeric & fits] = ParseStatus.OK
    status[missing] = ParseStatus.MISSING
    return status


def _lengths(text: pa.Array) -> npt.NDArray[np.int64]:
    lengths: npt.NDArray[np.int64] = pc.utf8_length(text).fill_null(0).to_numpy(zero_copy_only=False)
    return lengths.astype(np.int64)
