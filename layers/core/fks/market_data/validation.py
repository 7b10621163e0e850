"""Vectorised validation of one batch of raw candles for one (exchange, symbol, timeframe).

A bad row is rejected with a reason and the rest are kept, so the collector can log and count
rejections and still store what is good. Each rejected row gets the first reason, in the order of
``RejectReason``: the timestamp, then whether values are readable, then timing, then price logic.

Duplicates (same ``open_time``) are resolved among the rows that passed every check, so a corrupt
copy never displaces a good one:
- copies equal in every value (compared as decimals: ``"0.1"`` equals ``"0.10"``) are dropped
  quietly and counted in ``duplicates_dropped``;
- copies that differ are a conflict: the one that comes *last* in the batch wins, as a later write
  of the same candle wins in storage (exchanges revise a candle; the newer fetch is appended
  later), and each loser is rejected as ``CONFLICTING_DUPLICATE``.
The accepted frame is sorted by ``open_time``, strictly increasing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fks.errors import BadRequest
from fks.market_data.candles import CANDLE_COLUMNS, PRICE_COLUMNS
from fks.market_data.parsing import PRICE_TYPE, ParseStatus, parse_decimals, parse_epoch_ms
from fks.market_data.timeframes import Timeframe, aligned_mask, parse_timeframe


class RejectReason(StrEnum):
    OPEN_TIME_INVALID = "open_time missing, negative or not an integer"
    VALUE_MISSING = "price or volume missing"
    VALUE_NOT_A_NUMBER = "price or volume not a number"
    VALUE_OUT_OF_RANGE = "price or volume needs more than 20 integer digits or 18 decimals"
    UNALIGNED = "open_time not aligned to the timeframe"
    IN_FUTURE = "open_time in the future"
    STILL_OPEN = "candle still open at now_ms"
    PRICE_NOT_POSITIVE = "price not positive"
    VOLUME_NEGATIVE = "volume negative"
    LOW_ABOVE_HIGH = "low above high"
    HIGH_BELOW_OPEN_CLOSE = "high below max(open, close)"
    LOW_ABOVE_OPEN_CLOSE = "low above min(open, close)"
    CONFLICTING_DUPLICATE = "conflicting duplicate of a later row with the same open_time"


_REASONS: tuple[RejectReason, ...] = tuple(RejectReason)
_CODE = {reason: np.int8(index + 1) for index, reason in enumerate(_REASONS)}  # 0 means accepted
_STATUS_REASON = {
    ParseStatus.MISSING: RejectReason.VALUE_MISSING,
    ParseStatus.NOT_A_NUMBER: RejectReason.VALUE_NOT_A_NUMBER,
    ParseStatus.OUT_OF_RANGE: RejectReason.VALUE_OUT_OF_RANGE,
}
_ZERO = pa.scalar(Decimal(0), PRICE_TYPE)
_Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class ValidationResult:
    timeframe: Timeframe
    accepted: pd.DataFrame  # candle frame, sorted by open_time, one row per open_time
    rejections: pd.DataFrame  # row (position in the batch), open_time (nullable), reason
    received: int
    duplicates_dropped: int

    @property
    def accepted_count(self) -> int:
        return len(self.accepted)

    @property
    def rejected_count(self) -> int:
        return len(self.rejections)

    def reason_counts(self) -> dict[str, int]:
        """Rejections per reason, only reasons that occurred, e.g. for a metric per reason."""
        counts = self.rejections["reason"].value_counts(sort=False)
        return {str(reason): int(count) for reason, count in counts.items() if count}


def validate_candles(raw: pd.DataFrame, *, timeframe: str | Timeframe, now_ms: int) -> ValidationResult:
    """Validate and normalise a raw batch (e.g. ``raw_frame_from_ccxt``) against ``now_ms``."""
    tf = parse_timeframe(timeframe)
    missing = [name for name in CANDLE_COLUMNS if name not in raw.columns]
    if missing:
        raise BadRequest(f"raw candles lack the columns {missing}", details={"missing": missing})
    received = len(raw)
    times = parse_epoch_ms(raw["open_time"])
    parsed = {name: parse_decimals(raw[name]) for name in PRICE_COLUMNS}
    codes = np.zeros(received, dtype=np.int8)

    def reject(reason: RejectReason, mask: _Mask) -> None:
        codes[(codes == 0) & mask] = _CODE[reason]

    reject(RejectReason.OPEN_TIME_INVALID, ~times.ok | (times.values < 0))
    for status, reason in _STATUS_REASON.items():
        reject(reason, np.logical_or.reduce([p.status == status for p in parsed.values()]))
    open_times = times.values
    reject(RejectReason.UNALIGNED, ~aligned_mask(open_times, tf))
    reject(RejectReason.IN_FUTURE, open_times > now_ms)
    reject(RejectReason.STILL_OPEN, open_times + tf.ms > now_ms)
    values = {name: p.values for name, p in parsed.items()}
    for reason, mask in _price_checks(values):
        reject(reason, mask)

    accepted_rows, losers, dropped = _resolve_duplicates(np.flatnonzero(codes == 0), open_times, values)
    codes[losers] = _CODE[RejectReason.CONFLICTING_DUPLICATE]
    return ValidationResult(
        timeframe=tf,
        accepted=_accepted_frame(accepted_rows, open_times, values),
        rejections=_rejections_frame(codes, open_times, times.ok),
        received=received,
        duplicates_dropped=dropped,
    )


def _price_checks(values: dict[str, pa.Array]) -> list[tuple[RejectReason, _Mask]]:
    open_, high, low, close = (values[name] for name in ("open", "high", "low", "close"))
    not_positive = pc.or_(
        pc.or_(pc.less_equal(open_, _ZERO), pc.less_equal(high, _ZERO)),
        pc.or_(pc.less_equal(low, _ZERO), pc.less_equal(close, _ZERO)),
    )
    return [
        (RejectReason.PRICE_NOT_POSITIVE, _mask(not_positive)),
        (RejectReason.VOLUME_NEGATIVE, _mask(pc.less(values["volume"], _ZERO))),
        (RejectReason.LOW_ABOVE_HIGH, _mask(pc.greater(low, high))),
        (RejectReason.HIGH_BELOW_OPEN_CLOSE, _mask(pc.or_(pc.less(high, open_), pc.less(high, close)))),
        (RejectReason.LOW_ABOVE_OPEN_CLOSE, _mask(pc.or_(pc.greater(low, open_), pc.greater(low, close)))),
    ]


def _mask(condition: pa.Array) -> _Mask:
    """Arrow boolean to numpy, null (a value that did not parse) counting as False."""
    result: _Mask = condition.fill_null(False).to_numpy(zero_copy_only=False)
    return result


def _resolve_duplicates(
    candidates: npt.NDArray[np.intp], open_times: npt.NDArray[np.int64], values: dict[str, pa.Array]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], int]:
    """Rows to keep (sorted by open_time), rows that lost a conflict, and exact copies dropped."""
    # A stable sort keeps batch order within one open_time, so the last of a run is the last received.
    ordered = candidates[np.argsort(open_times[candidates], kind="stable")]
    sorted_times = open_times[ordered]
    is_last = np.ones(len(ordered), dtype=bool)
    is_last[:-1] = sorted_times[1:] != sorted_times[:-1]
    keep = ordered[is_last]
    if len(keep) == len(ordered):
        return keep, np.empty(0, dtype=np.intp), 0
    # Each superseded row is compared with the winner of its run, the next row that is last.
    superseded = np.flatnonzero(~is_last)
    winner = np.flatnonzero(is_last)[np.searchsorted(np.flatnonzero(is_last), superseded)]
    copies, winners = pa.array(ordered[superseded]), pa.array(ordered[winner])
    identical = np.ones(len(superseded), dtype=bool)
    for column in values.values():
        identical &= _mask(pc.equal(column.take(copies), column.take(winners)))
    losers = np.sort(ordered[superseded][~identical])
    return keep, losers, int(identical.sum())


def _accepted_frame(
    rows: npt.NDArray[np.intp], open_times: npt.NDArray[np.int64], values: dict[str, pa.Array]
) -> pd.DataFrame:
    indices = pa.array(rows, type=pa.int64())
    columns: dict[str, object] = {"open_time": open_times[rows]}
    for name in PRICE_COLUMNS:
        columns[name] = pd.arrays.ArrowExtensionArray(values[name].take(indices))
    return pd.DataFrame(columns)


def _rejections_frame(codes: npt.NDArray[np.int8], open_times: npt.NDArray[np.int64], time_ok: _Mask) -> pd.DataFrame:
    rows = np.flatnonzero(codes)
    reason = pd.Categorical.from_codes(codes[rows] - 1, categories=[r.value for r in _REASONS])
    return pd.DataFrame(
        {
            "row": rows.astype(np.int64),
            "open_time": pd.arrays.IntegerArray(open_times[rows], ~time_ok[rows]),
            "reason": reason,
        }
    )
