from itertools import permutations

import numpy as np
import pytest

from fks.ml.features import FEATURE_WARMUP, build_features, next_direction, rolling_slope
from fks.ml.hmm import GaussianHMM, fit_hmm
from tests.unit.ml.synthetic import random_walk_candles


def _two_regime_series(seed: int = 1, bars: int = 1500) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    states = np.repeat(np.tile([0, 1, 2], 10), bars // 30)
    means = np.array([[-2.0, 0.0], [0.0, 2.0], [2.0, -1.0]])
    return means[states] + 0.7 * rng.standard_normal((states.size, 2)), states


def _best_match(found: np.ndarray, truth: np.ndarray) -> float:
    return max(float(np.mean(np.array(perm)[found] == truth)) for perm in permutations(range(3)))


def test_features_at_bar_t_are_identical_when_later_bars_are_removed() -> None:
    candles = random_walk_candles(400)
    full = build_features(candles).values
    for cut in (FEATURE_WARMUP + 1, 200, 399):
        prefix = build_features(candles.head(cut)).values
        np.testing.assert_array_equal(prefix, full[:cut])


def test_features_are_nan_only_during_warm_up() -> None:
    frame = build_features(random_walk_candles(300))
    assert not frame.valid[:FEATURE_WARMUP].any()
    assert frame.valid[FEATURE_WARMUP:].all()


def test_rolling_slope_of_a_line_is_its_gradient() -> None:
    slope = rolling_slope(np.arange(50, dtype=np.float64) * 2.5, 10)
    assert np.isnan(slope[:9]).all()
    np.testing.assert_allclose(slope[9:], 2.5)


def test_next_direction_reads_the_following_close_and_is_unknown_on_the_last_bar() -> None:
    target = next_direction(np.array([1.0, 2.0, 1.5, 1.5]))
    np.testing.assert_array_equal(target[:3], [1.0, 0.0, 0.0])
    assert np.isnan(target[3])


def test_hmm_recovers_known_regimes_of_synthetic_data() -> None:
    x, truth = _two_regime_series()
    model = fit_hmm(x, 3, seed=0)
    assert _best_match(model.viterbi(x), truth) > 0.97
    assert _best_match(model.filter_states(x), truth) > 0.95
    assert np.all(np.diag(model.transmat) > 0.9)  # the data's regimes last 50 bars


def test_hmm_filter_at_t_ignores_later_observations() -> None:
    x, _ = _two_regime_series()
    model = fit_hmm(x, 3, seed=0)
    np.testing.assert_array_equal(model.filter_states(x[:700]), model.filter_states(x)[:700])


def test_hmm_round_trips_through_json() -> None:
    x, _ = _two_regime_series()
    model = fit_hmm(x, 3, seed=0)
    again = GaussianHMM.from_json(model.to_json())
    assert again.log_likelihood(x) == pytest.approx(model.log_likelihood(x))


def test_hmm_fit_with_too_few_rows_is_rejected() -> None:
    with pytest.raises(ValueError, match="T >= 8"):
        fit_hmm(np.zeros((5, 2)), 4)
