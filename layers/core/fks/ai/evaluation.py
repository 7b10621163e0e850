"""Does market-state retrieval know anything? A walk-forward test against the unconditional baseline.

At each evaluated bar t (every ``step`` bars once ``min_history`` bars are behind it), the
prediction of the next ``horizon`` bars' log return is the mean forward return of the k past bars
whose market state is nearest t's, among bars whose outcome was known at t (r + horizon <= t),
exactly as a briefing picks them. The baseline predicts the mean forward return of all those
past bars. Both are scored on the return that followed t, which neither saw:

- mean squared error, and the skill 1 - MSE(neighbours) / MSE(baseline) (> 0: retrieval helps);
- the hit rate of the predicted sign;
- the correlation of each prediction with what followed.

Adjacent evaluated bars share part of their forward windows when ``step < horizon``: the counts
overstate the independent evidence, and the report says how many windows do not overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fks.ai.briefing import HORIZON_BARS, NEIGHBOURS
from fks.ai.embeddings import unit_rows
from fks.ai.market_state import forward_returns, market_states
from fks.strategies.candles import Candles

_BATCH = 256


@dataclass(frozen=True)
class Scores:
    mse: float
    hit_rate: float
    correlation: float

    @classmethod
    def of(cls, predicted: npt.NDArray[np.float64], realised: npt.NDArray[np.float64]) -> Scores:
        spread = np.std(predicted) * np.std(realised)
        correlation = (
            float(np.mean((predicted - predicted.mean()) * (realised - realised.mean())) / spread)
            if spread > 0
            else 0.0
        )
        return cls(
            mse=float(np.mean((predicted - realised) ** 2)),
            hit_rate=float(np.mean(np.sign(predicted) == np.sign(realised))),
            correlation=correlation,
        )


def walk_forward(
    candles: Candles,
    *,
    k: int = NEIGHBOURS,
    horizon: int = HORIZON_BARS,
    step: int = 1,
    min_history: int = 500,
) -> dict[str, Any]:
    states, valid = market_states(candles)
    ahead = forward_returns(np.asarray(candles.close), horizon)
    usable = valid & np.isfinite(ahead)
    unit = unit_rows(states)
    evaluated = [t for t in range(min_history, len(candles), step) if usable[t]]
    if not evaluated:
        return {"evaluated": 0, "reason": f"{len(candles)} bars: fewer than {min_history} + {horizon} + warm-up"}
    predicted_nn, predicted_base = [], []
    rows = np.arange(len(candles))
    for start in range(0, len(evaluated), _BATCH):
        batch = np.array(evaluated[start : start + _BATCH])
        similarity = unit[batch] @ unit.T  # (batch, n)
        known = usable[None, :] & (rows[None, :] + horizon <= batch[:, None])
        similarity = np.where(known, similarity, -np.inf)
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        predicted_nn.extend(ahead[nearest].mean(axis=1))
        # The unconditional mean of every known past outcome, per evaluated bar.
        sums = np.where(known, ahead[None, :], 0.0).sum(axis=1)
        predicted_base.extend(sums / known.sum(axis=1))
    realised = ahead[np.array(evaluated)]
    neighbours = Scores.of(np.array(predicted_nn), realised)
    baseline = Scores.of(np.array(predicted_base), realised)
    return {
        "evaluated": len(evaluated),
        "independent_windows": len(evaluated) * min(step, horizon) // horizon,
        "k": k,
        "horizon_bars": horizon,
        "step_bars": step,
        "neighbours": neighbours.__dict__,
        "baseline": baseline.__dict__,
        "skill": 1.0 - neighbours.mse / baseline.mse if baseline.mse > 0 else 0.0,
    }
