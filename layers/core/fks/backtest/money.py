"""Float figures reported as money.

A backtest's trades and its final equity and fees are exact decimals from the Rust core's bar
loop; the equity curve and what is computed from it alone are float64. ``compute_metrics`` given
only floats (no exact figures) reports money through here, once, as Decimal quantised to the
quote currency's smallest unit (cents by default), so downstream code never sees a float amount.
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
