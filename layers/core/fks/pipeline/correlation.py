"""How closely two markets move together: the correlation of their log returns."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

MIN_RETURNS = 20  # fewer overlapping returns than this say nothing reliable


def return_correlation(closes_a: Sequence[Decimal], closes_b: Sequence[Decimal]) -> float | None:
    """Pearson correlation of the log returns of two aligned close series (same bar times), or
    None when there is too little overlap or one series does not move. Statistics, not money:
    floats are right here."""
    n = min(len(closes_a), len(closes_b))
    if n - 1 < MIN_RETURNS:
        return None
    a = np.log(np.asarray([float(x) for x in closes_a[-n:]]))
    b = np.log(np.asarray([float(x) for x in closes_b[-n:]]))
    returns_a, returns_b = np.diff(a), np.diff(b)
    if returns_a.std() == 0 or returns_b.std() == 0:
        return None
    value = float(np.corrcoef(returns_a, returns_b)[0, 1])
    return None if math.isnan(value) else value
