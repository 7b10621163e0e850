from collections import Counter

import numpy as np
import pytest

from fks.backtest import run_backtest
from fks.errors import BadRequest
from fks.ml.regimes import REGIMES, RegimeModel, fit_regimes, label_states, min_regime_bars
from fks.ml.strategies import RegimeGate, gate_entries
from fks.ml.transitions import regime_stats
from fks.strategies import check_causal, get_strategy
from tests.unit.ml.synthetic import cycle_plan, regime_candles


@pytest.fixture(scope="module")
def fitted() -> tuple[RegimeModel, list[str], list[str]]:
    candles, truth = regime_candles(cycle_plan(cycles=3), seed=11)
    model = fit_regimes(candles, seed=0)
    return model, model.regimes(candles), truth


def test_states_are_named_by_their_feature_means() -> None:
    means = np.array([[0.1, -0.5, 0.0], [1.5, -0.2, 0.0], [-1.4, -0.1, 0.0], [0.0, 2.0, 0.0]])
    assert label_states(means) == ("ranging", "trending_up", "trending_down", "high_volatility")


def test_synthetic_segments_are_mostly_labelled_as_the_regime_that_generated_them(
    fitted: tuple[RegimeModel, list[str], list[str]],
) -> None:
    _, found, truth = fitted
    for regime in ("trending_up", "trending_down", "high_volatility"):
        labels = Counter(f for f, t in zip(found, truth, strict=True) if t == regime)
        assert labels.most_common(1)[0][0] == regime, (regime, labels)


def test_regime_model_round_trips_through_json(fitted: tuple[RegimeModel, list[str], list[str]]) -> None:
    model, found, _ = fitted
    candles, _ = regime_candles(cycle_plan(cycles=3), seed=11)
    assert RegimeModel.from_json(model.to_json()).regimes(candles) == found


def test_regime_fit_on_too_little_history_names_the_minimum() -> None:
    candles, _ = regime_candles([("ranging", 100)])
    with pytest.raises(BadRequest) as raised:
        fit_regimes(candles)
    assert raised.value.details["min_bars"] == min_regime_bars()
    assert str(min_regime_bars()) in raised.value.message


def test_regime_stats_counts_transitions_and_mean_run_lengths() -> None:
    sequence = ["unknown", "ranging", "ranging", "trending_up", "trending_up", "trending_up", "ranging"]
    stats = regime_stats(sequence)
    ranging, up = REGIMES.index("ranging"), REGIMES.index("trending_up")
    assert stats.transition_matrix[ranging][ranging] == pytest.approx(0.5)
    assert stats.transition_matrix[ranging][up] == pytest.approx(0.5)
    assert stats.transition_matrix[up][up] == pytest.approx(2 / 3)
    assert stats.mean_duration_bars["ranging"] == pytest.approx(1.5)
    assert stats.mean_duration_bars["trending_up"] == pytest.approx(3.0)
    assert stats.mean_duration_bars["high_volatility"] is None
    assert stats.share["trending_up"] == pytest.approx(0.5)


UP, DOWN, RANGE = (REGIMES.index(name) for name in ("trending_up", "trending_down", "ranging"))


def test_gate_blocks_a_long_entry_outside_trending_up() -> None:
    held = gate_entries(np.array([1.0, 1.0, 1.0]), np.array([RANGE, RANGE, RANGE]), {UP}, {DOWN})
    np.testing.assert_array_equal(held, [0.0, 0.0, 0.0])


def test_gate_enters_once_the_regime_allows_and_holds_through_a_regime_change() -> None:
    held = gate_entries(np.array([1.0, 1.0, 1.0, 1.0, 0.0]), np.array([RANGE, UP, RANGE, RANGE, RANGE]), {UP}, {DOWN})
    np.testing.assert_array_equal(held, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_gate_always_honours_exits_and_gates_reversals() -> None:
    held = gate_entries(np.array([1.0, -1.0, -1.0, 0.0]), np.array([UP, UP, DOWN, UP]), {UP}, {DOWN})
    np.testing.assert_array_equal(held, [1.0, 0.0, -1.0, 0.0])


def test_sma_cross_with_the_gate_enters_only_in_allowed_regimes_and_both_backtest(
    fitted: tuple[RegimeModel, list[str], list[str]],
) -> None:
    model, _, _ = fitted
    candles, _ = regime_candles(cycle_plan(cycles=2), seed=12)  # unseen data: the model was fit on seed 11
    inner = get_strategy("sma_cross")
    gated = RegimeGate(inner, model)
    plain_targets, gated_targets = inner.target_positions(candles), gated.target_positions(candles)
    codes = model.regime_codes(candles)
    entries = np.flatnonzero((gated_targets != 0) & (np.r_[0.0, gated_targets[:-1]] != gated_targets))

    assert entries.size > 0
    assert all(codes[t] == (UP if gated_targets[t] > 0 else DOWN) for t in entries)
    assert np.all((gated_targets == 0) | (gated_targets == plain_targets))
    with_gate, without = run_backtest(candles, gated), run_backtest(candles, inner)
    assert with_gate.metrics.trade_count < without.metrics.trade_count


def test_regime_gate_passes_the_strategy_causality_check(fitted: tuple[RegimeModel, list[str], list[str]]) -> None:
    model, _, _ = fitted
    candles, _ = regime_candles(cycle_plan(cycles=1), seed=13)
    check_causal(RegimeGate(get_strategy("sma_cross"), model), candles, cut_points=[100, 300, 599])
