"""Next-bar direction forecasts with walk-forward training (expanding window, no leakage).

At each refit point ``r`` the classifier is trained on feature rows ``t < r`` (their targets,
"did close[t + 1] beat close[t]?", need closes up to bar ``r``, known once bar ``r`` has closed)
and then predicts rows ``r .. r + refit_every - 1``. Row t's features use bars <= t
(``fks.ml.features``), so the prediction for bar t + 1 is made from nothing later than bar t.
Every prediction is therefore out of sample, as it would have been live.

The model is scikit-learn's HistGradientBoostingClassifier: fast on a few thousand rows, handles
unscaled features, deterministic with a fixed ``random_state``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest
from fks.ml.features import FEATURE_WARMUP, build_features, next_direction
from fks.strategies.candles import Candles, FloatArray

MIN_TRAIN_ROWS = 500
REFIT_EVERY = 250
Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class WalkForward:
    """Out-of-sample P(up next bar) per bar: NaN where no model had been trained yet."""

    prob_up: FloatArray
    target: FloatArray
    first_test_row: int


def min_forecast_bars(min_train_rows: int = MIN_TRAIN_ROWS) -> int:
    # Warm-up rows, the training rows, and at least one bar to predict and one to score it by.
    return FEATURE_WARMUP + min_train_rows + 2


def new_classifier(seed: int = 0) -> object:
    from sklearn.ensemble import HistGradientBoostingClassifier  # heavy import, only when training

    # Shallow, strongly regularised trees: next-bar direction is mostly noise, and a deep model
    # memorises it. Early stopping is off so training is a pure function of the rows given.
    return HistGradientBoostingClassifier(
        max_iter=150,
        learning_rate=0.05,
        max_depth=3,
        min_samples_leaf=50,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )


def single_thread() -> AbstractContextManager[object]:
    """OpenMP limited to one thread: on a few thousand rows thread start-up dominates, and on a
    busy 2-core host (or a 1-vCPU Lambda) the default pool made a fit ~40x slower (measured)."""
    from threadpoolctl import threadpool_limits

    return cast(AbstractContextManager[object], threadpool_limits(1))


def fit_direction(x: Matrix, y: FloatArray, seed: int = 0) -> object:
    model = new_classifier(seed)
    with single_thread():
        model.fit(x, y.astype(np.int64))  # type: ignore[attr-defined]
    return model


def predict_up(model: object, x: Matrix) -> FloatArray:
    """P(up) from a fitted classifier; a training set of one class gives a constant."""
    classes = list(model.classes_)  # type: ignore[attr-defined]
    with single_thread():
        proba = np.asarray(model.predict_proba(x), dtype=np.float64)  # type: ignore[attr-defined]
    if 1 in classes:
        return proba[:, classes.index(1)]
    return np.zeros(x.shape[0])


def walk_forward(
    candles: Candles, *, min_train_rows: int = MIN_TRAIN_ROWS, refit_every: int = REFIT_EVERY, seed: int = 0
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
        model = fit_direction(features[rows], target[rows], seed)
        block = np.arange(refit_at, min(refit_at + refit_every, len(candles)))
        block = block[usable[block]]
        if block.size:
            prob[block] = predict_up(model, features[block])
    return WalkForward(prob_up=prob, target=target, first_test_row=first_test)
