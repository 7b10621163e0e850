"""The model strategies as deployed: stored models as JSON (no pickle), served with NumPy alone,
refused by name when missing, trained on another timeframe or too old, flat where in-sample."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fks.errors import BadRequest, NotFound
from fks.market_data.storage import SeriesKey
from fks.ml.features import build_features, next_direction
from fks.ml.forecast import fit_direction, predict_up
from fks.ml.regimes import fit_regimes
from fks.ml.trees import TreeEnsemble
from fks.strategies import get_strategy
from fks.strategies.analysis import lookahead
from fks.strategies.candles import Candles
from fks.strategies.inputs import with_models
from fks.strategies.models import ServedModel
from tests.unit.ml.synthetic import HOUR_MS, cycle_plan, regime_candles

KEY = SeriesKey.of("binance", "BTC/USDT", "1h")


@pytest.fixture(scope="module")
def history() -> Candles:
    candles, _ = regime_candles(cycle_plan(4))
    return candles


@pytest.fixture(scope="module")
def trained(history: Candles) -> dict[str, ServedModel]:
    """Both models trained on the first 1,200 bars, as functions/models stores them (JSON documents)."""
    train = history.head(1_200)
    features, target = build_features(train).values, next_direction(np.asarray(train.close))
    rows = np.all(np.isfinite(features), axis=1) & np.isfinite(target)
    forecaster = fit_direction(features[rows], target[rows])
    until, document = int(train.open_time[-1]), json.loads(json.dumps(forecaster.to_json()))
    return {
        "forecast": ServedModel("forecast", "BTC-USDT", "v1", "1h", until, document),
        "regime": ServedModel("regime", "BTC-USDT", "v1", "1h", until, fit_regimes(train).to_json()),
    }


class _Source:
    def __init__(self, models: dict[str, ServedModel]) -> None:
        self.models = models

    def served(self, asset: str, kind: str) -> ServedModel:
        if kind not in self.models:
            raise NotFound(f"no {kind} model for {asset}; train one with POST /models/{asset}/train")
        return self.models[kind]


def test_the_stored_trees_answer_what_scikit_learn_answers() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3_000, 6))
    x[::13, 2] = np.nan  # missing values follow the split's learned side
    y = (x[:, 0] - 0.5 * x[:, 3] + rng.normal(size=3_000) > 0).astype(np.float64)
    model = HistGradientBoostingClassifier(max_iter=50, max_depth=3, early_stopping=False).fit(x, y.astype(np.int64))

    stored = TreeEnsemble.from_json(json.loads(json.dumps(TreeEnsemble.from_classifier(model).to_json())))

    np.testing.assert_allclose(stored.predict_up(x), model.predict_proba(x)[:, 1], rtol=0, atol=1e-12)


def test_a_trained_forecaster_answers_the_same_after_its_json_round_trip() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2_000, 6))
    y = (x[:, 0] - 0.5 * x[:, 3] + rng.normal(size=2_000) > 0).astype(np.float64)
    model = fit_direction(x, y)

    stored = TreeEnsemble.from_json(json.loads(json.dumps(model.to_json())))

    np.testing.assert_allclose(stored.predict_up(x), predict_up(model, x), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "damage", [{"format": "pickle"}, {"left": [10**9]}, {"feature": "x"}, {"roots": [-1]}], ids=str
)
def test_a_damaged_stored_forecaster_is_refused(trained: dict[str, ServedModel], damage: dict) -> None:
    document = {**trained["forecast"].document, **damage}

    with pytest.raises(BadRequest, match="forecaster"):
        TreeEnsemble.from_json(document)


def test_ml_forecast_trades_only_after_its_training_window_and_does_not_look_ahead(
    history: Candles, trained: dict[str, ServedModel]
) -> None:
    strategy, params = get_strategy("ml_forecast"), {"threshold": 0.52, "max_model_age_days": 60}
    candles = with_models(strategy, params, KEY, history, _Source(trained))

    targets = strategy.target_positions(candles, params)

    in_sample = np.asarray(history.open_time) <= trained["forecast"].trained_until
    assert not targets[in_sample].any()
    assert targets[~in_sample].any()
    assert lookahead(strategy, candles, params, cuts=12) is None


def test_regime_gate_enters_only_in_its_regime_with_the_stored_model(
    history: Candles, trained: dict[str, ServedModel]
) -> None:
    gate, inner = get_strategy("regime_gate"), get_strategy("sma_cross")
    params = {"short_in": "none", "max_model_age_days": 60}
    candles = with_models(gate, params, KEY, history, _Source(trained))

    gated = gate.target_positions(candles, params)
    ungated = inner.target_positions(history)

    after = ~(np.asarray(history.open_time) <= trained["regime"].trained_until)
    assert not (gated < 0).any(), "no short regime allowed"
    assert np.abs(gated[after]).sum() < np.abs(ungated[after]).sum()
    assert (gated[after] > 0).any()


def test_a_missing_model_is_refused_naming_it(history: Candles) -> None:
    with pytest.raises(NotFound, match="no forecast model for BTC-USDT"):
        with_models(get_strategy("ml_forecast"), {}, KEY, history, _Source({}))


def test_a_model_older_than_max_model_age_days_is_refused_naming_it(
    history: Candles, trained: dict[str, ServedModel]
) -> None:
    days_after = (int(history.open_time[-1]) - trained["forecast"].trained_until) / (24 * HOUR_MS)

    with pytest.raises(BadRequest, match=r"forecast model of BTC-USDT \(version v1\) is too old"):
        with_models(get_strategy("ml_forecast"), {"max_model_age_days": int(days_after) - 1}, KEY, history,
                    _Source(trained))  # fmt: skip
    assert with_models(get_strategy("ml_forecast"), {"max_model_age_days": int(days_after) + 1}, KEY, history,
                       _Source(trained)).models["forecast"].version == "v1"  # fmt: skip


def test_a_model_trained_on_another_timeframe_is_refused(history: Candles, trained: dict[str, ServedModel]) -> None:
    key = SeriesKey.of("binance", "BTC/USDT", "15m")

    with pytest.raises(BadRequest, match="trained on 1h bars; strategy regime_gate runs on 15m"):
        with_models(get_strategy("regime_gate"), {}, key, history, _Source(trained))


def test_without_a_model_store_the_model_strategies_say_so(history: Candles) -> None:
    with pytest.raises(BadRequest, match="no model store"):
        with_models(get_strategy("ml_forecast"), {}, KEY, history, None)
    with pytest.raises(BadRequest, match="forecast model"):
        get_strategy("ml_forecast").target_positions(history)


def test_a_model_trained_on_too_little_data_is_refused_naming_it(
    history: Candles, trained: dict[str, ServedModel]
) -> None:
    from dataclasses import replace

    from fks.strategies.models import min_trained_bars

    needed = min_trained_bars("regime")
    params = {"max_model_age_days": 3650}
    short = {"regime": replace(trained["regime"], trained_bars=needed - 1)}
    with pytest.raises(BadRequest, match=rf"regime model of BTC-USDT \(version v1\) was trained on {needed - 1} bars"):
        with_models(get_strategy("regime_gate"), params, KEY, history, _Source(short))
    enough = {"regime": replace(trained["regime"], trained_bars=needed)}
    assert (
        with_models(get_strategy("regime_gate"), params, KEY, history, _Source(enough)).models["regime"].version == "v1"
    )
