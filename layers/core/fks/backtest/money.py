"""The float/Decimal boundary of the backtest.

Inside the simulation prices, quantities and equity are float64: a million bars and a parameter
grid must run in milliseconds, and float64 carries ~15 significant digits, far below a cent on
any realistic account. Everything the platform reports as money (final equity, trade PnL, fees)
crosses back here, once, as Decimal quantised to the quote currency's smallest unit (cents by
default), so downstream code never sees a float amount. Because each figure is rounded on its
own, the sum of the trades' PnL can differ from final minus initial equity by up to half a
quantum per trade.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal


def to_money(value: float, quantum: Decimal) -> Decimal:
    """``value`` as Decimal rounded half-even to ``quantum``.

    Through ``repr``: the shortest decimal that round-trips is the value the simulation meant,
    whereas ``Decimal(float)`` would expose binary noise (2.675 -> 2.67499999...).
    """
    if not math.isfinite(value):
        raise ValueError(f"money figure is not finite: {value!r}")
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_EVEN)


def to_decimal(value: float) -> Decimal:
    """A price or quantity as Decimal to 12 significant digits.

    A level computed as 100 * 1.1 is 110.00000000000001 in float64; twelve digits drop that
    last-bit noise and still resolve far below any exchange's tick or lot size.
    """
    if not math.isfinite(value):
        raise ValueError(f"value is not finite: {value!r}")
    return Decimal(f"{float(value):.12g}")
