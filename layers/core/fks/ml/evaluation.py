"""Honest scoring of out-of-sample forecasts next to naive baselines.

Baselines are computed causally too, from targets already known at each bar:
- ``majority``: P(up) = share of up moves among all earlier bars (predicts the majority class);
- ``persistence``: predicts the last move repeats, with P = share of earlier moves that repeated.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from fks.strategies.candles import FloatArray

_EPS = 1e-12


class Scores(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    accuracy: float
    brier: float
    log_loss: float


class Evaluation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bars: int  # out-of-sample bars scored
    up_share: float
    model: Scores
    majority: Scores
    persistence: Scores


def score(prob_up: FloatArray, target: FloatArray) -> Scores:
    p = np.clip(prob_up, _EPS, 1 - _EPS)
    return Scores(
        accuracy=float(np.mean((p > 0.5) == (target > 0.5))),
        brier=float(np.mean((p - target) ** 2)),
        log_loss=float(-np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))),
    )


def _prior_mean(values: FloatArray) -> FloatArray:
    """Mean of values[:t] at each t (NaN-free input), 0.5 before anything is known."""
    sums = np.concatenate([[0.0], np.cumsum(values)[:-1]])
    counts = np.arange(values.shape[0], dtype=np.float64)
    return np.divide(sums + 0.5, counts + 1.0)  # +0.5/+1: a mild prior, never exactly 0 or 1


def baselines(target: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Majority and persistence P(up) per row, using targets of earlier rows only.

    Row t's target is the move t -> t + 1; at prediction time the latest known move is row
    t - 1's target, so both baselines only read rows < t.
    """
    known = np.nan_to_num(target, nan=0.5)
    majority = _prior_mean(known)
    previous = np.concatenate([[0.5], known[:-1]])
    repeated = (known == previous).astype(np.float64)
    if repeated.size:
        repeated[0] = 0.5  # row 0 has no earlier move to repeat
    p_repeat = _prior_mean(repeated)
    persistence = np.where(previous > 0.5, p_repeat, 1 - p_repeat)
    return majority, persistence


def evaluate(prob_up: FloatArray, target: FloatArray) -> Evaluation:
    """Scores on rows that have a forecast and a known outcome; baselines on the same rows."""
    majority, persistence = baselines(target)
    rows = np.isfinite(prob_up) & np.isfinite(target)
    if not rows.any():
        raise ValueError("no out-of-sample rows to evaluate")
    y = target[rows]
    return Evaluation(
        bars=int(rows.sum()),
        up_share=float(y.mean()),
        model=score(prob_up[rows], y),
        majority=score(majority[rows], y),
        persistence=score(persistence[rows], y),
    )
