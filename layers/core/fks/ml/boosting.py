"""Histogram gradient boosting for the direction forecaster, in NumPy alone.

Why not scikit-learn: its ``HistGradientBoostingClassifier`` needs SciPy, together ~110 MB
unzipped (145 MB with SciPy's OpenBLAS), and ``ModelsFunction`` has 38 MB left beside the AWS SDK
for pandas layer (``make sam-sizes``); Lambda refuses a function over 262,144,000 bytes and SAM
cannot build a container image without Docker. The forecaster is small (150 trees of depth 3 on a
few thousand rows of ~10 features), so the algorithm is written out here, as scikit-learn runs it
for these settings, and trains straight into the ``TreeEnsemble`` that is stored and served:

- features are binned at the midpoints between distinct values, or at 254 quantiles when a
  feature has more than 255 distinct values (``np.percentile``, "averaged_inverted_cdf");
- the baseline is the log-odds of the positive rate; each iteration fits one regression tree to
  the binary log-loss gradients ``p - y`` and hessians ``p (1 - p)`` (float32, as scikit-learn
  stores them; sums in float64);
- a node splits on the (feature, bin) with the largest gain
  ``G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2)`` over zero, each child keeping at least
  ``min_samples_leaf`` rows and 1e-3 of hessian; ties go to the lower feature, then the lower
  bin; nodes at ``max_depth`` or with fewer than twice ``min_samples_leaf`` rows are leaves;
- a leaf's value is ``-learning_rate * G / (H + l2)``.

Depth 3 makes at most 8 leaves, under scikit-learn's default 31, so its best-first growth grows
the same trees. No row may be missing a value (the callers train on finite rows only); at
prediction a NaN goes to the child that got more training rows, as scikit-learn sends it when
training saw no missing value. tests/unit/ml/test_ml_boosting.py compares it with scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from fks.ml.trees import TreeEnsemble

MAX_BINS = 255
MIN_HESSIAN_TO_SPLIT = 1e-3
Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class BoostingSettings:
    max_iter: int = 150
    learning_rate: float = 0.05
    max_depth: int = 3
    min_samples_leaf: int = 50
    l2_regularization: float = 1.0


def bin_thresholds(column: npt.NDArray[np.float64], max_bins: int = MAX_BINS) -> npt.NDArray[np.float64]:
    """The upper edges of a feature's bins: a value goes to the first bin whose edge it does not exceed."""
    distinct = np.unique(column)
    if distinct.size <= max_bins:
        return np.asarray((distinct[:-1] + distinct[1:]) * 0.5, dtype=np.float64)
    percentiles = np.linspace(0, 100, num=max_bins + 1)[1:-1]
    edges = np.percentile(column, percentiles, method="averaged_inverted_cdf")
    return np.unique(np.asarray(edges, dtype=np.float64))  # sorted, repeated edges once


@dataclass
class _Nodes:
    """The growing ensemble's node arrays, in ``TreeEnsemble``'s layout."""

    feature: list[int] = field(default_factory=list)
    threshold: list[float] = field(default_factory=list)
    missing_left: list[bool] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    right: list[int] = field(default_factory=list)
    is_leaf: list[bool] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def add_leaf(self, value: float) -> int:
        self.feature.append(0)
        self.threshold.append(0.0)
        self.missing_left.append(False)
        self.left.append(0)
        self.right.append(0)
        self.is_leaf.append(True)
        self.value.append(value)
        return len(self.value) - 1


@dataclass(frozen=True, slots=True)
class _Split:
    feature: int
    bin: int
    gain: float


class _Grower:
    """One regression tree on binned rows: splits found from per-bin gradient/hessian histograms."""

    def __init__(self, binned: npt.NDArray[np.int64], n_bins: int, settings: BoostingSettings) -> None:
        self.binned = binned
        self.n_bins = n_bins
        self.settings = settings
        n_features = binned.shape[1]
        # Row r's bin of feature f, as one index into a (feature, bin) histogram.
        self.flat = binned + np.arange(n_features, dtype=np.int64) * n_bins

    def best_split(self, rows: npt.NDArray[np.int64], gradient: Matrix, hessian: Matrix) -> _Split | None:
        s = self.settings
        n_features, size = self.binned.shape[1], self.n_bins * self.binned.shape[1]
        flat = self.flat[rows].ravel()
        g = np.bincount(flat, weights=np.repeat(gradient[rows], n_features), minlength=size).reshape(n_features, -1)
        h = np.bincount(flat, weights=np.repeat(hessian[rows], n_features), minlength=size).reshape(n_features, -1)
        n = np.bincount(flat, minlength=size).reshape(n_features, -1)
        # Left child = bins 0..b; the last bin cannot be a split point (its right child is empty).
        g_left, h_left, n_left = (np.cumsum(a, axis=1)[:, :-1] for a in (g, h, n))
        g_total, h_total, n_total = float(gradient[rows].sum()), float(hessian[rows].sum()), rows.size
        g_right, h_right, n_right = g_total - g_left, h_total - h_left, n_total - n_left
        l2 = s.l2_regularization
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = g_left**2 / (h_left + l2) + g_right**2 / (h_right + l2) - g_total**2 / (h_total + l2)
        allowed = (
            (n_left >= s.min_samples_leaf)
            & (n_right >= s.min_samples_leaf)
            & (h_left >= MIN_HESSIAN_TO_SPLIT)
            & (h_right >= MIN_HESSIAN_TO_SPLIT)
        )
        gain = np.where(allowed, gain, -np.inf)
        if gain.size == 0:
            return None
        # argmax takes the first of equal gains: the lower feature, then the lower bin.
        feature, bin_index = np.unravel_index(int(np.argmax(gain)), gain.shape)
        best = float(gain[feature, bin_index])
        return _Split(int(feature), int(bin_index), best) if best > 0.0 else None

    def leaf_value(self, rows: npt.NDArray[np.int64], gradient: Matrix, hessian: Matrix) -> float:
        s = self.settings
        return float(-s.learning_rate * gradient[rows].sum() / (hessian[rows].sum() + s.l2_regularization))


def _grow(
    grower: _Grower,
    nodes: _Nodes,
    thresholds: list[npt.NDArray[np.float64]],
    rows: npt.NDArray[np.int64],
    depth: int,
    gradient: Matrix,
    hessian: Matrix,
    update: Matrix,
) -> int:
    """Grow the subtree of ``rows``, writing each row's leaf value into ``update``; returns the
    subtree root's index in ``nodes``."""
    s = grower.settings
    split = None
    if depth < s.max_depth and rows.size >= 2 * s.min_samples_leaf:
        split = grower.best_split(rows, gradient, hessian)
    if split is None:
        value = grower.leaf_value(rows, gradient, hessian)
        update[rows] = value
        return nodes.add_leaf(value)
    node = nodes.add_leaf(0.0)
    goes_left = grower.binned[rows, split.feature] <= split.bin
    left_rows, right_rows = rows[goes_left], rows[~goes_left]
    nodes.is_leaf[node] = False
    nodes.feature[node] = split.feature
    nodes.threshold[node] = float(thresholds[split.feature][split.bin])
    nodes.missing_left[node] = bool(left_rows.size > right_rows.size)
    nodes.left[node] = _grow(grower, nodes, thresholds, left_rows, depth + 1, gradient, hessian, update)
    nodes.right[node] = _grow(grower, nodes, thresholds, right_rows, depth + 1, gradient, hessian, update)
    return node


def fit_boosted_trees(x: Matrix, y: npt.NDArray[np.float64], settings: BoostingSettings | None = None) -> TreeEnsemble:
    """A binary classifier (y in {0, 1}) of ``settings.max_iter`` trees on the finite rows ``x``."""
    s = settings or BoostingSettings()
    rows_x = np.asarray(x, dtype=np.float64)
    target = np.asarray(y, dtype=np.float64)
    if rows_x.ndim != 2 or rows_x.shape[0] != target.shape[0] or rows_x.shape[0] == 0:
        raise ValueError(f"x must be rows x features matching y, got {rows_x.shape} and {target.shape}")
    if not np.all(np.isfinite(rows_x)):
        raise ValueError("training rows must have every feature (no NaN or infinity)")
    thresholds = [bin_thresholds(rows_x[:, f]) for f in range(rows_x.shape[1])]
    binned = np.column_stack(
        [np.searchsorted(edges, rows_x[:, f], side="left") for f, edges in enumerate(thresholds)]
    ).astype(np.int64)
    grower = _Grower(binned, MAX_BINS, s)
    eps = float(np.finfo(np.float64).eps)
    rate = float(np.clip(target.mean(), eps, 1 - eps))
    baseline = float(np.log(rate / (1 - rate)))
    raw = np.full(target.shape[0], baseline)
    nodes, roots = _Nodes(), []
    every_row = np.arange(target.shape[0], dtype=np.int64)
    for _ in range(s.max_iter):
        p = 1.0 / (1.0 + np.exp(-raw))
        # float32, as scikit-learn keeps gradients and hessians; summed in float64.
        gradient = (p - target).astype(np.float32).astype(np.float64)
        hessian = (p * (1.0 - p)).astype(np.float32).astype(np.float64)
        update = np.zeros_like(raw)
        roots.append(_grow(grower, nodes, thresholds, every_row, 0, gradient, hessian, update))
        raw += update
    return TreeEnsemble(
        baseline,
        rows_x.shape[1],
        np.asarray(roots, dtype=np.int64),
        np.asarray(nodes.feature, dtype=np.int64),
        np.asarray(nodes.threshold, dtype=np.float64),
        np.asarray(nodes.missing_left, dtype=np.bool_),
        np.asarray(nodes.left, dtype=np.int64),
        np.asarray(nodes.right, dtype=np.int64),
        np.asarray(nodes.is_leaf, dtype=np.bool_),
        np.asarray(nodes.value, dtype=np.float64),
    )
