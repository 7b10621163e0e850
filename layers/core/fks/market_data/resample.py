"""Aggregate candles to a longer timeframe (1m to 5m, 1h, 1d, ...), exactly and vectorised.

A target candle covers the aligned interval ``[start, start + target.ms)``: open is the first
source candle's open, high the max, low the min, close the last close, volume the sum, all in
decimal arithmetic.

Only *complete* buckets are emitted by default: a bucket is complete when every source candle in
it is present (60 one-minute candles for an hour). A bucket with a hole is a gap for ``backfill``
to repair; emitting it would store an hourly candle with the wrong open, close or volume that
looks like any other. ``include_partial=True`` emits every bucket that has at least one source
candle (a chart of the still-forming hour, say), with nothing marking it as partial.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from fks.errors import BadRequest
from fks.market_data.candles import frame_from_arrow, frame_to_arrow
from fks.market_data.parsing import PRICE_TYPE
from fks.market_data.timeframes import Timeframe, aligned_mask, floor_times, is_multiple_of, parse_timeframe


def resample_candles(
    frame: pd.DataFrame,
    *,
    source: str | Timeframe,
    target: str | Timeframe,
    include_partial: bool = False,
) -> pd.DataFrame:
    """Candles of ``target`` built from a validated candle frame of ``source``."""
    source_tf, target_tf = parse_timeframe(source), parse_timeframe(target)
    if not is_multiple_of(target_tf, source_tf):
        raise BadRequest(
            f"cannot build {target_tf.value} candles from {source_tf.value} candles: "
            f"a {target_tf.value} candle is not made of whole {source_tf.value} candles",
            details={"source": source_tf.value, "target": target_tf.value},
        )
    table = frame_to_arrow(frame)
    open_times = table.column("open_time").to_numpy()
    _require_validated(open_times, source_tf)
    if len(open_times) == 0:
        return frame_from_arrow(table)

    buckets = floor_times(open_times, target_tf)
    starts = np.flatnonzero(np.concatenate(([True], buckets[1:] != buckets[:-1])))
    ends = np.concatenate((starts[1:], [len(buckets)])) - 1
    if include_partial:
        chosen = np.arange(len(starts))
    else:
        chosen = np.flatnonzero(ends - starts + 1 == target_tf.ms // source_tf.ms)

    grouped = (
        table.select(["high", "low", "volume"])
        .append_column("bucket", pa.array(buckets))
        .group_by("bucket", use_threads=False)
        .aggregate([("high", "max"), ("low", "min"), ("volume", "sum")])
        .sort_by("bucket")
        .take(pa.array(chosen))
    )
    result = pa.table(
        {
            "open_time": pa.array(buckets[starts[chosen]]),
            "open": table.column("open").take(pa.array(starts[chosen])),
            "high": grouped.column("high_max"),
            "low": grouped.column("low_min"),
            "close": table.column("close").take(pa.array(ends[chosen])),
            "volume": grouped.column("volume_sum").cast(PRICE_TYPE),
        }
    )
    return frame_from_arrow(result)


def _require_validated(open_times: npt.NDArray[np.int64], source: Timeframe) -> None:
    if len(open_times) > 1 and not bool(np.all(open_times[1:] > open_times[:-1])):
        raise BadRequest("resampling needs candles sorted by open_time without duplicates")
    if not bool(np.all(aligned_mask(open_times, source))):
        raise BadRequest(f"resampling needs open times aligned to {source.value}")
