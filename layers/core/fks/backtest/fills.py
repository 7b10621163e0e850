"""The trades of a backtest as columns, and the codes of why each one closed.

The fill model (next-bar-open fills, slippage, maker/taker fees, sizing, stop-loss, take-profit,
trailing stop) is the Rust execution core's bar loop, ``fks_execution_core::simulation``; its
module documentation states it rule by rule. ``fks.backtest.native`` calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from fks.strategies.candles import FloatArray, IntArray

# The core's ExitReason discriminants.
SIGNAL, STOP_LOSS, TAKE_PROFIT, END_OF_DATA, TRAILING_STOP = 0, 1, 2, 3, 4
ExitReason = Literal["signal", "stop_loss", "take_profit", "end_of_data", "trailing_stop"]
EXIT_REASONS: tuple[ExitReason, ...] = ("signal", "stop_loss", "take_profit", "end_of_data", "trailing_stop")


@dataclass(frozen=True, slots=True)
class Fills:
    """One row per trade; prices include slippage. ``side`` is +1 long / -1 short and ``size``
    the |target| in (0, 1] that scales the position."""

    entry_bar: IntArray
    exit_bar: IntArray
    side: FloatArray
    size: FloatArray
    entry_price: FloatArray
    exit_price: FloatArray
    exit_reason: npt.NDArray[np.int8]
    exit_fee_rate: FloatArray

    def __len__(self) -> int:
        return int(self.entry_bar.shape[0])

    def head(self, count: int) -> Fills:
        return replace(self, **{name: getattr(self, name)[:count] for name in self.__dataclass_fields__})
