"""Next-bar direction forecasts with walk-forward training (expanding window, no leakage).

At each refit point ``r`` the classifier is trained on feature rows ``t < r`` (their targets,
"did close[t + 1] beat close[t]?", need closes up to bar ``r``, known once bar ``r`` has closed)
and then predicts rows ``r .. r + refit_every - 1``. Row t's features use bars <= t
(``fks.ml.features``), so the prediction for bar t + 1 is made from nothing later than bar t.
Every prediction is therefore out of sample, as it would have been live.

The model is histogram gradient boosting (``fks.ml.boosting``: scikit-learn's
HistGradientBoostingClassifier as it runs with these settings, in NumPy alone, so every function
that trains it fits Lambda's size limit): fast on a few thousand rows, handles unscaled features,
deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest
from fks.ml.boosting import BoostingSettings, fit_boosted_trees
from fks.ml.features import FEATURE_WARMUP, build_features, next_direction
from fks.ml.trees import TreeEnsemble
from fks.strategies.candles import Candles, FloatArray

MIN_TRAIN_ROWS = 500
REFIT_EVERY = 250
Matrix = npt.NDArray[np.float64]
# Shallow, strongly regularised trees: next-bar direction is mostly noise, and a deep model
# memorises it. No early stopping, so training is a pure function of the rows given.
FORECASTER = BoostingSettings(max_iter=150, learning_rate=0.05, max_depth=3, min_samples_leaf=50, l2_regularization=1.0)


@dataclass(frozen=True, slots=True)
class WalkForward:
    """Out-of-sample P(up next bar) per bar: NaN where no model had been trained yet."""

    prob_up: FloatArray
    target: FloatArray
    first_test_row: int


def min_forecast_bars(min_train_rows: int = MIN_TRAIN_ROWS) -> int:
    # Warm-up rows, the training rows, and at least one bar to predict and one to score it by.
    return FEATURE_WARMUP + min_train_rows + 2


def fit_direction(x: Matrix, y: FloatArray) -> TreeEnsemble:
    """The direction classifier trained on finite rows ``x`` and targets ``y`` in {0, 1}."""
    return fit_boosted_trees(x, y, FORECASTER)


def predict_up(model: TreeEnsemble, x: Matrix) -> FloatArray:
    """P(up) per row (a training set of one class gives a constant, its log-odds clipped)."""
    return model.predict_up(x)


def walk_forward(
    candles: Candles, *, min_train_rows: int = MIN_TRAIN_ROWS, refit_every: int = REFIT_EVERY
) -> WalkForward:
    needed = min_forecast_bars(min_train_rows)
    if len(candles) < needed:
        raise BadRequest(
            f"forecasting needs at least {needed} bars, got {len(candles)}",
            details={"min_bars": needed, "bars": len(candles)},
        )
    features = build_features(candles).values
    target = next_direction(np.asarray(candles.close))
    usable = np.all(np.isfinite(features), axis=1)
    first_row = int(np.argmax(usable))
    prob = np.full(len(candles), np.nan)
    first_test = first_row + min_train_rows
    for refit_at in range(first_test, len(candles), refit_every):
        # The last training target (row refit_at - 1) is the move into bar refit_at: the latest
        # one observed when the prediction for row refit_at is made. Nothing later is used.
        rows = np.arange(first_row, refit_at)
        rows = rows[usable[rows] & np.isfinite(target[rows])]
        model = fit_direction(features[rows], target[rows])
        block = np.arange(refit_at, min(refit_at + refit_every, len(candles)))
        block = block[usable[block]]
        if block.size:
            prob[block] = predict_up(model, features[block])
    return WalkForward(prob_up=prob, target=target, first_test_row=first_test)
