"""The direction forecaster as plain numbers: stored as JSON, evaluated with NumPy alone.

A fitted scikit-learn ``HistGradientBoostingClassifier`` is a baseline plus a sum of small
regression trees over the raw features; this module copies those trees out into arrays. Why not
pickle it: unpickling runs whatever code the file names, so a model file in a bucket would be a way
into every function that serves it. A JSON document of numbers cannot execute anything, and its
evaluation needs no scikit-learn, so the strategies that serve it (``generate_signals``, backtests)
carry NumPy only. ``fks.ml.boosting`` trains straight into it; ``from_classifier`` copies a
scikit-learn model's trees (the tests compare the two), its predictions equal to scikit-learn's
``predict_proba``.

The walk-through per tree, as scikit-learn's predictor does it: at a split, a missing (NaN) value
goes where ``missing_go_to_left`` says, else left when ``x[feature] <= threshold``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest

FORMAT = "fks.hist_gradient_boosting.v1"
_FIELDS = ("feature", "threshold", "missing_left", "left", "right", "is_leaf", "value")


@dataclass(frozen=True, slots=True, eq=False)
class TreeEnsemble:
    """Binary classifier: P(up) = sigmoid(baseline + sum of each tree's leaf value)."""

    baseline: float
    n_features: int
    roots: npt.NDArray[np.int64]  # index of each tree's root in the node arrays
    feature: npt.NDArray[np.int64]
    threshold: npt.NDArray[np.float64]
    missing_left: npt.NDArray[np.bool_]
    left: npt.NDArray[np.int64]  # node indices into the same arrays (whole ensemble)
    right: npt.NDArray[np.int64]
    is_leaf: npt.NDArray[np.bool_]
    value: npt.NDArray[np.float64]

    @classmethod
    def from_classifier(cls, model: Any) -> TreeEnsemble:
        """The trees of a fitted binary ``HistGradientBoostingClassifier`` on numeric features."""
        if list(model.classes_) != [0, 1] or any(len(trees) != 1 for trees in model._predictors):
            raise ValueError("only a binary classifier with classes [0, 1] can be exported")
        if getattr(model, "is_categorical_", None) is not None:
            raise ValueError("categorical features cannot be exported")
        roots, parts, offset = [], [], 0
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            roots.append(offset)
            parts.append(
                {
                    "feature": nodes["feature_idx"].astype(np.int64),
                    "threshold": nodes["num_threshold"].astype(np.float64),
                    "missing_left": nodes["missing_go_to_left"].astype(np.bool_),
                    "left": nodes["left"].astype(np.int64) + offset,
                    "right": nodes["right"].astype(np.int64) + offset,
                    "is_leaf": nodes["is_leaf"].astype(np.bool_),
                    "value": nodes["value"].astype(np.float64),
                }
            )
            offset += len(nodes)
        arrays = {name: np.concatenate([part[name] for part in parts]) for name in _FIELDS}
        baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
        return cls(baseline, int(model.n_features_in_), np.asarray(roots, dtype=np.int64), **arrays)

    def predict_up(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """P(up) per row of ``x`` (rows x n_features)."""
        rows = np.asarray(x, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != self.n_features:
            raise BadRequest(f"the forecaster expects {self.n_features} features per row, got shape {rows.shape}")
        node = np.broadcast_to(self.roots, (rows.shape[0], self.roots.size)).copy()
        row_index = np.arange(rows.shape[0])[:, None]
        # Every tree of every row steps down one level per pass; leaves stay put. Trees are shallow.
        for _ in range(self.value.size):
            inner = ~self.is_leaf[node]
            if not inner.any():
                break
            values = rows[row_index, self.feature[node]]
            go_left = np.where(np.isnan(values), self.missing_left[node], values <= self.threshold[node])
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        raw = self.baseline + self.value[node].sum(axis=1)
        return np.asarray(1.0 / (1.0 + np.exp(-raw)), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"format": FORMAT, "baseline": self.baseline, "n_features": self.n_features}
        document["roots"] = self.roots.tolist()
        for name in _FIELDS:
            document[name] = getattr(self, name).tolist()
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> TreeEnsemble:
        """A stored forecaster, its structure checked so a damaged file is refused, not misread."""
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise BadRequest(f"not a stored forecaster of format {FORMAT}")
        try:
            ensemble = cls(
                float(document["baseline"]),
                int(document["n_features"]),
                np.asarray(document["roots"], dtype=np.int64),
                np.asarray(document["feature"], dtype=np.int64),
                np.asarray(document["threshold"], dtype=np.float64),
                np.asarray(document["missing_left"], dtype=np.bool_),
                np.asarray(document["left"], dtype=np.int64),
                np.asarray(document["right"], dtype=np.int64),
                np.asarray(document["is_leaf"], dtype=np.bool_),
                np.asarray(document["value"], dtype=np.float64),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise BadRequest(f"stored forecaster is malformed: {error}") from None
        ensemble._check()
        return ensemble

    def _check(self) -> None:
        size = self.value.size
        if any(getattr(self, name).shape != (size,) for name in _FIELDS) or self.roots.ndim != 1:
            raise BadRequest("stored forecaster is malformed: node arrays differ in length")
        inner = ~self.is_leaf
        children_ok = all(
            bool(np.all((links[inner] >= 0) & (links[inner] < size))) for links in (self.left, self.right)
        )
        features_ok = bool(np.all((self.feature[inner] >= 0) & (self.feature[inner] < self.n_features)))
        roots_ok = bool(np.all((self.roots >= 0) & (self.roots < size)))
        if not (children_ok and features_ok and roots_ok):
            raise BadRequest("stored forecaster is malformed: a node points outside the model")
