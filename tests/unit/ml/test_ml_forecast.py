import numpy as np
import pytest

from fks.backtest import run_backtest
from fks.errors import BadRequest
from fks.ml.evaluation import baselines, evaluate, score
from fks.ml.features import FEATURE_WARMUP
from fks.ml.forecast import min_forecast_bars, walk_forward
from fks.ml.strategies import MlForecast
from fks.ml.training import (
    MIN_SERVE_BARS,
    TrainedModels,
    latest_forecast,
    latest_regime,
    min_training_bars,
    train_models,
)
from fks.strategies import check_causal
from fks.strategies.candles import Candles
from tests.unit.ml.synthetic import cycle_plan, random_walk_candles, regime_candles

FAST = {"min_train_rows": 300, "refit_every": 200}


def _with_future_shuffled(candles: Candles, cut: int, seed: int = 5) -> Candles:
    rng = np.random.default_rng(seed)
    order = np.concatenate([np.arange(cut), cut + rng.permutation(len(candles) - cut)])
    columns = [getattr(candles, name)[order] for name in ("open", "high", "low", "close", "volume")]
    return Candles(candles.open_time, *columns)


def test_forecasts_up_to_a_bar_do_not_change_when_later_bars_are_shuffled() -> None:
    candles = random_walk_candles(1000)
    cut = 700  # inside a refit block (72 + 300 + 200k), so a block straddling the cut is covered too
    original = walk_forward(candles, **FAST).prob_up
    shuffled = walk_forward(_with_future_shuffled(candles, cut), **FAST).prob_up
    np.testing.assert_array_equal(original[:cut], shuffled[:cut])
    # The shuffle is a real change: forecasts after the cut do differ, so the equality above is not vacuous.
    assert not np.allclose(np.nan_to_num(original[cut:]), np.nan_to_num(shuffled[cut:]))


def test_walk_forward_forecasts_only_after_the_first_training_window() -> None:
    result = walk_forward(random_walk_candles(800), **FAST)
    assert np.isnan(result.prob_up[: result.first_test_row]).all()
    assert np.isfinite(result.prob_up[result.first_test_row : -1]).all()


def test_walk_forward_on_too_little_history_names_the_minimum() -> None:
    with pytest.raises(BadRequest, match=str(min_forecast_bars())):
        walk_forward(random_walk_candles(200))


def test_a_leaked_future_feature_would_be_caught_by_the_scores() -> None:
    # Positive control for the evaluation: a "forecast" that peeks at t + 1 scores perfectly,
    # far from anything the honest walk-forward achieves on a random walk.
    target = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    leaked = score(target, target)
    assert leaked.accuracy == 1.0
    assert leaked.brier == pytest.approx(0.0)


def test_model_on_a_random_walk_is_no_better_than_the_baselines() -> None:
    result = walk_forward(random_walk_candles(1400), **FAST)
    evaluation = evaluate(result.prob_up, result.target)
    assert evaluation.bars == 1400 - result.first_test_row - 1
    assert 0.4 < evaluation.model.accuracy < 0.6
    assert evaluation.majority.brier == pytest.approx(0.25, abs=0.01)
    assert evaluation.model.log_loss > 0.6


def test_baselines_at_row_t_use_only_targets_before_t() -> None:
    target = np.array([1.0, 1.0, 1.0, 0.0, np.nan])
    majority, persistence = baselines(target)
    changed = target.copy()
    changed[3] = 1.0
    majority_2, persistence_2 = baselines(changed)
    np.testing.assert_array_equal(majority[:4], majority_2[:4])
    np.testing.assert_array_equal(persistence[:4], persistence_2[:4])
    assert majority[3] > 0.5
    assert persistence[3] > 0.5


def test_ml_forecast_strategy_backtests_and_stays_flat_before_its_first_forecast() -> None:
    candles = random_walk_candles(1000)
    strategy = MlForecast()
    params = {"min_train": 300, "refit_every": 200, "threshold": 0.52}
    targets = strategy.target_positions(candles, params)
    assert not targets[: FEATURE_WARMUP + 300].any()
    assert targets[FEATURE_WARMUP + 300 :].any()
    result = run_backtest(candles, strategy, params)
    assert result.metrics.bars == 1000


@pytest.fixture(scope="module")
def trained() -> tuple[TrainedModels, Candles]:
    candles, _ = regime_candles(cycle_plan(cycles=2, bars=150), seed=21)
    assert len(candles) >= min_training_bars()
    return train_models(candles, seed=0), candles


def test_training_reports_out_of_sample_scores_next_to_baselines_and_both_backtests(
    trained: tuple[TrainedModels, Candles],
) -> None:
    models, candles = trained
    report = models.report
    assert report.bars == len(candles)
    assert 0.0 <= report.evaluation.model.brier <= 1.0
    assert report.evaluation.persistence.accuracy > 0
    assert report.gated_backtest.strategy == "sma_cross+regime_gate"
    assert report.gated_backtest.trade_count <= report.ungated_backtest.trade_count
    assert sum(report.regime_stats.share.values()) == pytest.approx(1.0)


def test_serving_returns_the_latest_regime_and_a_probability(trained: tuple[TrainedModels, Candles]) -> None:
    models, candles = trained
    assert latest_regime(models.regime, candles) in {"trending_up", "trending_down", "ranging", "high_volatility"}
    assert 0.0 <= latest_forecast(models.forecaster, candles) <= 1.0


def test_serving_with_too_few_bars_names_the_minimum(trained: tuple[TrainedModels, Candles]) -> None:
    models, candles = trained
    with pytest.raises(BadRequest, match=f"at least {MIN_SERVE_BARS} bars"):
        latest_forecast(models.forecaster, candles.head(10))


def test_ml_forecast_passes_the_strategy_causality_check() -> None:
    params = {"min_train": 300, "refit_every": 200, "threshold": 0.51}
    check_causal(MlForecast(), random_walk_candles(900), params, cut_points=[400, 650, 899])
