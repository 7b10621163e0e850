"""Market regimes: a Gaussian HMM on trend and volatility features, states named by their means.

Model (documented choice): four hidden states over three standardised, causal features —
``slope_24`` (volatility-normalised trend of log price), ``log(vol_24)`` (realised volatility of
hourly log returns) and ``dist_sma_72`` (stretch from the long average). After fitting, states are
named by their feature means: the highest-volatility state is ``high_volatility``; of the rest the
highest trend is ``trending_up``, the lowest ``trending_down``, and what remains ``ranging``.
Labelling by means keeps names stable across refits, where raw state numbers are arbitrary.

Per-bar regimes come from the forward filter (``P(state | bars <= t)``), so a strategy may act on
them at bar t; the model parameters themselves come from the training window only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fks.errors import BadRequest
from fks.ml.features import FEATURE_WARMUP, build_features
from fks.ml.hmm import GaussianHMM, fit_hmm
from fks.strategies.candles import Candles

REGIMES = ("trending_up", "trending_down", "ranging", "high_volatility")
REGIME_FEATURES = ("slope_24", "vol_24", "dist_sma_72")
MIN_TRAIN_BARS = 500
UNKNOWN = "unknown"
Matrix = npt.NDArray[np.float64]


def regime_inputs(candles: Candles) -> tuple[Matrix, npt.NDArray[np.bool_]]:
    """The HMM's raw inputs per bar (volatility in logs: it is roughly log-normal) and validity."""
    frame = build_features(candles)
    x = np.column_stack([frame.column(name) for name in REGIME_FEATURES])
    with np.errstate(divide="ignore", invalid="ignore"):
        x[:, 1] = np.log(x[:, 1])
    valid = np.all(np.isfinite(x), axis=1)
    return x, valid


@dataclass(frozen=True, slots=True)
class RegimeModel:
    hmm: GaussianHMM
    centre: Matrix
    scale: Matrix
    labels: tuple[str, ...]  # regime name of each hidden state

    def regime_codes(self, candles: Candles) -> npt.NDArray[np.int64]:
        """Index into REGIMES per bar (causal filter); -1 during the feature warm-up."""
        x, valid = regime_inputs(candles)
        codes = np.full(len(candles), -1, dtype=np.int64)
        if valid.any():
            states = self.hmm.filter_states((x[valid] - self.centre) / self.scale)
            by_state = np.array([REGIMES.index(label) for label in self.labels])
            codes[valid] = by_state[states]
        return codes

    def regimes(self, candles: Candles) -> list[str]:
        return [REGIMES[code] if code >= 0 else UNKNOWN for code in self.regime_codes(candles)]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "gaussian_hmm",
            "features": list(REGIME_FEATURES),
            "hmm": self.hmm.to_json(),
            "centre": self.centre.tolist(),
            "scale": self.scale.tolist(),
            "labels": list(self.labels),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegimeModel:
        return cls(
            hmm=GaussianHMM.from_json(data["hmm"]),
            centre=np.asarray(data["centre"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            labels=tuple(data["labels"]),
        )


def min_regime_bars() -> int:
    return FEATURE_WARMUP + MIN_TRAIN_BARS


def label_states(means: Matrix) -> tuple[str, ...]:
    """Names per state from standardised means (columns: trend, log vol, stretch); needs 4 states."""
    vol_state = int(np.argmax(means[:, 1]))
    rest = [k for k in range(means.shape[0]) if k != vol_state]
    up = max(rest, key=lambda k: means[k, 0])
    down = min(rest, key=lambda k: means[k, 0])
    names = {vol_state: "high_volatility", up: "trending_up", down: "trending_down"}
    return tuple(names.get(k, "ranging") for k in range(means.shape[0]))


def fit_regimes(candles: Candles, *, seed: int = 0) -> RegimeModel:
    """Fit the four-state HMM on every valid bar of ``candles``; BadRequest when too short."""
    needed = min_regime_bars()
    if len(candles) < needed:
        raise BadRequest(
            f"regime detection needs at least {needed} bars, got {len(candles)}",
            details={"min_bars": needed, "bars": len(candles)},
        )
    x, valid = regime_inputs(candles)
    train = x[valid]
    centre, scale = train.mean(axis=0), train.std(axis=0) + 1e-12
    hmm = fit_hmm((train - centre) / scale, len(REGIMES), seed=seed)
    return RegimeModel(hmm=hmm, centre=centre, scale=scale, labels=label_states(hmm.means))
