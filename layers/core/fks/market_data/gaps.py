"""Missing ranges in a series of candle open times: what ``backfill`` must fetch.

The expected candles are every aligned open time ``t`` with ``start_ms <= t < end_ms`` (the start
is rounded up to the grid; the end is exclusive: to expect only candles closed at ``now_ms``, pass
``floor_time(now_ms, tf)`` as the end). A ``Gap`` is half-open too: ``[start_ms, end_ms)`` holds
``missing_count`` candles, so it can be handed to a fetch as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fks.errors import BadRequest
from fks.market_data.timeframes import Timeframe, aligned_mask, ceil_time, parse_timeframe

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Gap:
    start_ms: int  # open time of the first missing candle
    end_ms: int  # exclusive: open time just after the last missing candle
    missing_count: int


def find_gaps(
    open_times: npt.NDArray[np.int64] | Sequence[int],
    *,
    timeframe: str | Timeframe,
    start_ms: int,
    end_ms: int,
) -> list[Gap]:
    """Gaps in ``open_times`` between ``start_ms`` and ``end_ms``, oldest first.

    ``open_times`` should be sorted (a validated frame's are); duplicates are tolerated, open
    times outside the range are ignored, and an open time off the grid is a ``BadRequest``
    because it means the series was not validated.
    """
    tf = parse_timeframe(timeframe)
    if end_ms < start_ms:
        raise BadRequest(f"gap search range is reversed: start {start_ms} > end {end_ms}")
    first = ceil_time(start_ms, tf)
    if first >= end_ms:
        return []
    # One step past the last expected open time, so the series ends on the grid.
    stop = ceil_time(end_ms, tf)
    import numpy as np  # here: the monitor and the gap records import this module, most calls never scan

    times = np.asarray(open_times, dtype=np.int64)
    if len(times) > 1 and bool(np.any(times[1:] < times[:-1])):
        raise BadRequest("gap search needs open times sorted in increasing order")
    if not bool(np.all(aligned_mask(times, tf))):
        raise BadRequest(f"gap search needs open times aligned to {tf.value}")
    inside = times[(times >= first) & (times < stop)]
    # Sentinels one step outside both ends turn missing edges into ordinary interior holes;
    # a duplicate is a step of zero, which is no hole, so the series needs no deduplication.
    bounded = np.concatenate(([first - tf.ms], inside, [stop]))
    steps = np.diff(bounded) // tf.ms
    holes = np.flatnonzero(steps > 1)
    starts = bounded[holes] + tf.ms
    counts = steps[holes] - 1
    return [
        Gap(start_ms=int(start), end_ms=int(start + count * tf.ms), missing_count=int(count))
        for start, count in zip(starts, counts, strict=True)
    ]
