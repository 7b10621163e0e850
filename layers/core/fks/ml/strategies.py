"""Strategies that use the models: a forecast-driven one and a regime gate around any strategy.

Neither is in the built-in registry (``fks.strategies.registry``): the registry is what the API
lists and the scheduler runs, and these train models while they run. Pass an instance to
``run_backtest`` instead: ``run_backtest(candles, MlForecast(), {"threshold": 0.55})``.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from fks.ml.features import FEATURE_WARMUP
from fks.ml.forecast import REFIT_EVERY, walk_forward
from fks.ml.regimes import REGIMES, RegimeModel
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import Candles, FloatArray
from fks.strategies.parameters import Parameter


class MlForecast(Strategy):
    """Long when the walk-forward P(up) clears ``threshold``, short below ``1 - threshold``.

    Causal by construction: every probability comes from a model trained only on bars before it.
    """

    name = "ml_forecast"
    description = "Long/short on a walk-forward gradient-boosting forecast of the next bar's direction."
    parameters = (
        Parameter(name="threshold", type="float", default=0.55, min=0.5, max=0.95, description="P(up) to go long"),
        Parameter(name="min_train", type="int", default=500, min=100, max=100_000, description="first training rows"),
        Parameter(
            name="refit_every", type="int", default=REFIT_EVERY, min=10, max=100_000, description="bars per refit"
        ),
    )

    def warmup_bars(self, params: Params) -> int:
        return FEATURE_WARMUP + int(params["min_train"])

    @staticmethod
    def cache_key(min_train: int, refit_every: int) -> tuple[str, int, int]:
        """Where the walk-forward lives in an IndicatorCache, so a caller holding one can share it."""
        return ("ml_walk_forward", min_train, refit_every)

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        forecast = cache.get(
            self.cache_key(int(params["min_train"]), int(params["refit_every"])),
            lambda: walk_forward(
                candles, min_train_rows=int(params["min_train"]), refit_every=int(params["refit_every"])
            ),
        )
        p, threshold = forecast.prob_up, float(params["threshold"])
        return np.where(p >= threshold, 1.0, np.where(p <= 1.0 - threshold, -1.0, 0.0))


class RegimeGate(Strategy):
    """Wraps a strategy so it may only *enter* in allowed regimes.

    A new position (flat -> long, or a reversal) is taken only if the bar's regime allows that
    side; a position already held follows the inner strategy until it exits, so the gate never
    forces an exit mid-trade. Regimes come from a model fitted beforehand (on earlier data) and
    its causal filter, so the gate adds no look-ahead.
    """

    description = "Regime-gated entries"

    def __init__(
        self,
        inner: Strategy,
        model: RegimeModel,
        long_in: Collection[str] = ("trending_up",),
        short_in: Collection[str] = ("trending_down",),
    ) -> None:
        self.inner, self.model = inner, model
        self.long_codes = {REGIMES.index(name) for name in long_in}
        self.short_codes = {REGIMES.index(name) for name in short_in}
        self.name = f"{inner.name}+regime_gate"  # type: ignore[misc]
        self.parameters = inner.parameters  # type: ignore[misc]

    def check_relations(self, params: Params) -> None:
        self.inner.check_relations(params)

    def warmup_bars(self, params: Params) -> int:
        return max(self.inner.warmup_bars(params), FEATURE_WARMUP)

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        wanted = self.inner.compute_targets(candles, params, cache)
        codes = cache.get(("regime_codes", id(self.model)), lambda: self.model.regime_codes(candles))
        return gate_entries(np.asarray(wanted, dtype=np.float64), codes, self.long_codes, self.short_codes)


def gate_entries(wanted: FloatArray, codes: np.ndarray, long_codes: set[int], short_codes: set[int]) -> FloatArray:
    """Held exposure per bar: entries only where allowed, exits always honoured."""
    held = np.zeros_like(wanted)
    current = 0.0
    # A loop, not a vectorised mask: whether bar t is an entry depends on what was held at t - 1,
    # which itself depends on earlier gating decisions.
    for t, want in enumerate(np.nan_to_num(wanted)):
        if want == 0.0 or np.sign(want) == np.sign(current):
            current = want  # an exit, or resizing a position already held
        else:
            allowed = long_codes if want > 0 else short_codes
            current = want if int(codes[t]) in allowed else 0.0
        held[t] = current
    return held
