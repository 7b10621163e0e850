"""A small Gaussian hidden Markov model: Baum-Welch fitting and Viterbi decoding in NumPy.

Why our own: ``hmmlearn`` needs a compiler and drags in a C extension; a diagonal-covariance
Gaussian HMM is ~100 lines of NumPy, its parameters serialise to plain JSON, and it runs in a
Lambda beside NumPy alone.

Model: hidden state s_t in {0..K-1} follows a Markov chain (``start``, ``transmat``); the
observation x_t | s_t = k is Gaussian with mean ``means[k]`` and diagonal variances
``variances[k]``. The forward-backward pass uses per-bar scaling (Rabiner), so long series do
not underflow. Decoding with ``filter_states`` uses only data up to each bar (forward probabilities), which is
what a live strategy may act on; ``viterbi`` is the best path given the whole series.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
_VAR_FLOOR = 1e-6


@dataclass(frozen=True, slots=True)
class GaussianHMM:
    start: Matrix  # (K,)
    transmat: Matrix  # (K, K), rows sum to 1
    means: Matrix  # (K, D)
    variances: Matrix  # (K, D)

    @property
    def n_states(self) -> int:
        return int(self.start.shape[0])

    def log_emissions(self, x: Matrix) -> Matrix:
        """log N(x_t | k) for every bar and state: (T, K)."""
        diff = x[:, None, :] - self.means[None, :, :]
        terms = np.log(2 * np.pi * self.variances)[None] + diff**2 / self.variances[None]
        return np.asarray(-0.5 * terms.sum(axis=2), dtype=np.float64)

    def _scaled_emissions(self, x: Matrix) -> tuple[Matrix, Matrix]:
        """Emission densities scaled per bar (max 1) and the log of each bar's scale."""
        log_b = self.log_emissions(x)
        peak = log_b.max(axis=1)
        return np.exp(log_b - peak[:, None]), peak

    def _forward(self, b: Matrix) -> tuple[Matrix, Matrix]:
        """Normalised forward probabilities P(s_t | x_<=t) and per-bar normalisers (Rabiner's scaling)."""
        alpha = np.empty_like(b)
        scale = np.empty(b.shape[0])
        current = self.start * b[0]
        for t in range(b.shape[0]):
            if t:
                current = (alpha[t - 1] @ self.transmat) * b[t]
            scale[t] = current.sum()
            alpha[t] = current / scale[t]
        return alpha, scale

    def _backward(self, b: Matrix, scale: Matrix) -> Matrix:
        beta = np.ones_like(b)
        for t in range(b.shape[0] - 2, -1, -1):
            beta[t] = self.transmat @ (b[t + 1] * beta[t + 1]) / scale[t + 1]
        return beta

    def log_likelihood(self, x: Matrix) -> float:
        b, peak = self._scaled_emissions(x)
        _, scale = self._forward(b)
        return float(np.log(scale).sum() + peak.sum())

    def state_probabilities(self, x: Matrix) -> Matrix:
        """P(s_t = k | x_<=t) per bar: (T, K), causal."""
        return self._forward(self._scaled_emissions(x)[0])[0]

    def filter_states(self, x: Matrix) -> npt.NDArray[np.int64]:
        """Most probable state at each bar given bars <= t only (causal)."""
        return np.asarray(np.argmax(self.state_probabilities(x), axis=1), dtype=np.int64)

    def viterbi(self, x: Matrix) -> npt.NDArray[np.int64]:
        """The single most probable state path given the whole series (not causal)."""
        log_b, log_a = self.log_emissions(x), np.log(self.transmat)
        score = np.log(self.start) + log_b[0]
        back = np.zeros(log_b.shape, dtype=np.int64)
        for t in range(1, log_b.shape[0]):
            candidates = score[:, None] + log_a
            back[t] = np.argmax(candidates, axis=0)
            score = candidates[back[t], np.arange(self.n_states)] + log_b[t]
        path = np.empty(log_b.shape[0], dtype=np.int64)
        path[-1] = int(np.argmax(score))
        for t in range(log_b.shape[0] - 1, 0, -1):
            path[t - 1] = back[t, path[t]]
        return path

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.tolist(),
            "transmat": self.transmat.tolist(),
            "means": self.means.tolist(),
            "variances": self.variances.tolist(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GaussianHMM:
        arrays = {key: np.asarray(data[key], dtype=np.float64) for key in ("start", "transmat", "means", "variances")}
        return cls(**arrays)


def _initial_model(x: Matrix, n_states: int, rng: np.random.Generator) -> GaussianHMM:
    # Means start at distinct random bars (k-means++-like spread is overkill at this size);
    # a sticky transition matrix encodes the prior that regimes persist.
    picks = rng.choice(x.shape[0], size=n_states, replace=False)
    stay = 0.9
    transmat = np.full((n_states, n_states), (1 - stay) / max(n_states - 1, 1))
    np.fill_diagonal(transmat, stay)
    variances = np.tile(np.maximum(x.var(axis=0), _VAR_FLOOR), (n_states, 1))
    return GaussianHMM(np.full(n_states, 1.0 / n_states), transmat, x[picks].copy(), variances)


def _em_step(model: GaussianHMM, x: Matrix) -> tuple[GaussianHMM, float]:
    b, peak = model._scaled_emissions(x)
    alpha, scale = model._forward(b)
    beta = model._backward(b, scale)
    log_like = float(np.log(scale).sum() + peak.sum())
    gamma = alpha * beta  # P(s_t = k | whole x), (T, K)
    # Expected transition counts summed over t, without materialising the (T, K, K) tensor.
    xi = model.transmat * (alpha[:-1].T @ (b[1:] * beta[1:] / scale[1:, None]))
    weight = gamma.sum(axis=0) + 1e-12
    means = (gamma.T @ x) / weight[:, None]
    variances = (gamma.T @ x**2) / weight[:, None] - means**2
    transmat = (xi + 1e-6) / (xi + 1e-6).sum(axis=1, keepdims=True)
    start = (gamma[0] + 1e-6) / (gamma[0] + 1e-6).sum()
    return GaussianHMM(start, transmat, means, np.maximum(variances, _VAR_FLOOR)), log_like


def fit_hmm(
    x: Matrix, n_states: int, *, seed: int = 0, n_iter: int = 60, tol: float = 1e-3, n_init: int = 2
) -> GaussianHMM:
    """Baum-Welch from ``n_init`` seeded starts; the best log-likelihood wins."""
    if x.ndim != 2 or x.shape[0] < 2 * n_states:
        raise ValueError(f"need a (T, D) matrix with T >= {2 * n_states}, got shape {x.shape}")
    rng = np.random.default_rng(seed)
    best: tuple[float, GaussianHMM] | None = None
    for _ in range(n_init):
        model, previous = _initial_model(x, n_states, rng), -np.inf
        for _ in range(n_iter):
            candidate, log_like = _em_step(model, x)
            if log_like - previous < tol:
                break
            model, previous = candidate, log_like
        score = model.log_likelihood(x)
        if best is None or score > best[0]:
            best = (score, model)
    assert best is not None
    return best[1]
