"""From a strategy's target positions to the signal for the latest change of position.

The signal id is derived from strategy, symbol, timeframe and bar time, so evaluating the same
bar twice (a retried schedule, two overlapping runs) yields the same id, and the pipeline,
which names its execution by that id, acts on it once.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from fks.signals import Side, Signal


def signal_id_for(strategy_id: str, symbol: str, timeframe: str, bar_time: int) -> str:
    digest = hashlib.sha256(f"{strategy_id}|{symbol}|{timeframe}|{bar_time}".encode()).hexdigest()[:20]
    return f"{strategy_id[:40]}-{digest}"


def latest_signal(
    *,
    strategy_id: str,
    exchange: str,
    symbol: str,
    timeframe: str,
    open_times: npt.NDArray[np.int64],
    targets: npt.NDArray[np.float64],
    quantity: Decimal,
) -> Signal | None:
    """The signal for the last bar whose target differs from the bar before, or None if the
    target never changed. Its side is the direction of the change: up buys, down sells."""
    settled = np.nan_to_num(targets, nan=0.0)
    changes = np.flatnonzero(np.diff(settled)) + 1
    if changes.size == 0:
        return None
    bar = int(changes[-1])
    side = Side.BUY if settled[bar] > settled[bar - 1] else Side.SELL
    bar_time = int(open_times[bar])
    return Signal(
        signal_id=signal_id_for(strategy_id, symbol, timeframe, bar_time),
        strategy_id=strategy_id,
        exchange=exchange,
        symbol=symbol,
        side=side,
        quantity=quantity,
        timeframe=timeframe,
        bar_time=bar_time,
    )
