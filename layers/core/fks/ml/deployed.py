"""The model strategies as registered strategies: evaluated with the asset's stored models wherever
strategies run (``generate_signals``, backtests, optimisations, ``fks strategy check``).

- ``ml_forecast``: long when the stored forecaster's P(up next bar) clears ``threshold``, short below
  ``1 - threshold``;
- ``regime_gate``: a built-in strategy (``inner``, with its default parameters) that may only *enter*
  in the regimes allowed by the stored regime model; exits are always taken.

Both read their model from ``candles.models`` (``fks.strategies.models``: the latest stored version,
refused by name when missing, trained on another timeframe or older than ``max_model_age_days``).
Both stay flat on bars up to the last one the model was trained on: there the model has seen the
answer, so a backtest over its training window would report a skill nobody can trade. Serving needs
NumPy only (``fks.ml.trees``, ``fks.ml.hmm``): no scikit-learn in the functions that evaluate them.

``fks.ml.strategies.MlForecast`` (the walk-forward variant that trains as it goes) remains what
``fks ml`` reports on; it is not registered, because refitting inside every scheduled evaluation
would be slow and each run would trade on a different model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fks.ml.features import FEATURE_WARMUP, build_features
from fks.ml.regimes import REGIMES, RegimeModel
from fks.ml.strategies import gate_entries
from fks.ml.trees import TreeEnsemble
from fks.strategies.base import IndicatorCache, Params, Strategy
from fks.strategies.candles import Candles, FloatArray
from fks.strategies.models import ModelNeed, ServedModel
from fks.strategies.parameters import Parameter

# The strategies a regime gate can wrap: the built-ins (their defaults), fixed so the choice is declarable.
GATEABLE = ("sma_cross", "ema_cross", "rsi_reversion", "bollinger_breakout", "macd", "donchian_breakout")
_MAX_AGE = Parameter(
    name="max_model_age_days",
    type="int",
    default=30,
    min=1,
    max=3650,
    description="refuse a model trained more than this many days before the bar evaluated",
)


def _out_of_sample(candles: Candles, served: ServedModel, targets: FloatArray) -> FloatArray:
    out = np.asarray(targets, dtype=np.float64).copy()
    out[np.asarray(candles.open_time) <= served.trained_until] = 0.0
    return out


class StoredForecast(Strategy):
    name = "ml_forecast"
    description = (
        "Long when the asset's stored gradient-boosting forecast of the next bar's direction gives "
        "P(up) >= threshold, short at <= 1 - threshold (train it with POST /models/{asset}/train)."
    )
    parameters = (
        Parameter(name="threshold", type="float", default=0.55, min=0.5, max=0.95, description="P(up) to go long"),
        _MAX_AGE,
    )

    def models(self, params: Params) -> Sequence[ModelNeed]:
        return (ModelNeed("forecast", int(params["max_model_age_days"])),)

    def warmup_bars(self, params: Params) -> int:
        return FEATURE_WARMUP

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        served = candles.models["forecast"]
        model = cache.get(("forecast_model", served.version), lambda: TreeEnsemble.from_json(served.document))
        features = cache.get(("ml_features",), lambda: build_features(candles).values)
        usable = np.all(np.isfinite(features), axis=1)
        prob = np.full(len(candles), np.nan)
        if usable.any():
            prob[usable] = model.predict_up(features[usable])
        threshold = float(params["threshold"])
        targets = np.where(prob >= threshold, 1.0, np.where(prob <= 1.0 - threshold, -1.0, 0.0))
        return _out_of_sample(candles, served, targets)


class StoredRegimeGate(Strategy):
    name = "regime_gate"
    description = (
        "A built-in strategy (inner, default parameters) that enters long only in long_in and short only "
        "in short_in, per the asset's stored regime model; exits are always taken."
    )
    parameters = (
        Parameter(name="inner", type="choice", default="sma_cross", choices=GATEABLE, description="gated strategy"),
        Parameter(name="long_in", type="choice", default="trending_up", choices=REGIMES, description="long regime"),
        Parameter(
            name="short_in", type="choice", default="trending_down", choices=("none", *REGIMES), description="short"
        ),
        _MAX_AGE,
    )

    def models(self, params: Params) -> Sequence[ModelNeed]:
        return (ModelNeed("regime", int(params["max_model_age_days"])),)

    def _inner(self, params: Params) -> tuple[Strategy, Params]:
        from fks.strategies.registry import get_strategy  # the registry lists this strategy too

        inner = get_strategy(str(params["inner"]))
        return inner, inner.validate_params({})

    def warmup_bars(self, params: Params) -> int:
        inner, inner_params = self._inner(params)
        return max(inner.warmup_bars(inner_params), FEATURE_WARMUP)

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        served = candles.models["regime"]
        inner, inner_params = self._inner(params)
        wanted = np.asarray(inner.compute_targets(candles, inner_params, cache), dtype=np.float64)
        model = cache.get(("regime_model", served.version), lambda: RegimeModel.from_json(served.document))
        codes = cache.get(("regime_codes", served.version), lambda: model.regime_codes(candles))
        long_codes = {REGIMES.index(str(params["long_in"]))}
        short_codes = set() if params["short_in"] == "none" else {REGIMES.index(str(params["short_in"]))}
        return _out_of_sample(candles, served, gate_entries(wanted, codes, long_codes, short_codes))
