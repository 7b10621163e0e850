"""fks.ml.boosting trains the trees scikit-learn's HistGradientBoostingClassifier trains with the
forecaster's settings: same splits, same leaf values, same probabilities."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from fks.ml.boosting import BoostingSettings, bin_thresholds, fit_boosted_trees
from fks.ml.forecast import FORECASTER
from fks.ml.trees import TreeEnsemble


def _scikit_learn(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], settings: BoostingSettings) -> TreeEnsemble:
    model = HistGradientBoostingClassifier(
        max_iter=settings.max_iter,
        learning_rate=settings.learning_rate,
        max_depth=settings.max_depth,
        min_samples_leaf=settings.min_samples_leaf,
        l2_regularization=settings.l2_regularization,
        early_stopping=False,
    )
    return TreeEnsemble.from_classifier(model.fit(x, y.astype(np.int64)))


def _data(rows: int, features: int, seed: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features))
    x[:, 1] = np.round(x[:, 1], 1)  # a feature of few distinct values: bins at their midpoints
    y = ((x[:, 0] + 0.5 * x[:, 1] ** 2 - 0.3 * x[:, -1] + rng.normal(scale=1.5, size=rows)) > 0.3).astype(np.float64)
    return x, y


@pytest.mark.parametrize(("rows", "features", "seed"), [(3_000, 6, 0), (1_500, 10, 1), (600, 3, 2)])
def test_the_trees_and_probabilities_are_scikit_learns(rows: int, features: int, seed: int) -> None:
    x, y = _data(rows, features, seed)
    unseen = np.random.default_rng(seed + 100).normal(size=(2_000, features))

    mine, theirs = fit_boosted_trees(x, y, FORECASTER), _scikit_learn(x, y, FORECASTER)

    inner = ~theirs.is_leaf
    np.testing.assert_array_equal(mine.is_leaf, theirs.is_leaf)
    np.testing.assert_array_equal(mine.feature[inner], theirs.feature[inner])
    np.testing.assert_allclose(mine.threshold[inner], theirs.threshold[inner], rtol=0, atol=1e-12)
    np.testing.assert_allclose(mine.value[~inner], theirs.value[~inner], rtol=0, atol=1e-9)
    np.testing.assert_allclose(mine.predict_up(unseen), theirs.predict_up(unseen), rtol=0, atol=1e-9)


def test_a_feature_of_many_values_is_binned_at_quantiles() -> None:
    column = np.random.default_rng(3).normal(size=5_000)

    edges = bin_thresholds(column)

    assert edges.size == 254
    assert np.all(np.diff(edges) > 0)
    # About 1/255 of the rows fall in each bin.
    counts = np.bincount(np.searchsorted(edges, column, side="left"), minlength=255)
    assert counts.min() >= 5_000 // 255 - 2
    assert counts.max() <= 5_000 // 255 + 2


def test_one_class_gives_a_constant_probability() -> None:
    x = np.random.default_rng(4).normal(size=(300, 4))

    model = fit_boosted_trees(x, np.ones(300), FORECASTER)

    p = model.predict_up(x)
    assert np.all(p == p[0])
    assert p[0] > 0.999


def test_rows_with_a_missing_value_are_refused() -> None:
    x, y = _data(200, 3, 5)
    x[7, 2] = np.nan

    with pytest.raises(ValueError, match="every feature"):
        fit_boosted_trees(x, y, FORECASTER)
