import numpy as np
import pandas as pd
import pytest

from fks.errors import BadRequest
from fks.indicators import ema, sma, wilder
from fks.indicators.moving import linear_recursion

NAN = np.nan


def test_sma_is_nan_during_warmup_then_the_window_mean():
    # Arrange
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]

    # Act
    out = sma(values, 3)

    # Assert: (1+2+3)/3, (2+3+4)/3, ...
    np.testing.assert_allclose(out, [NAN, NAN, 2.0, 3.0, 4.0, 5.0])


def test_sma_of_a_series_shorter_than_the_window_is_all_nan():
    assert np.isnan(sma([1.0, 2.0], 3)).all()


def test_sma_stays_exact_on_a_million_bars_where_a_running_sum_would_drift():
    # Arrange: large level, tiny moves; a cumsum-difference SMA loses ~1e-9 here.
    rng = np.random.default_rng(0)
    values = 1e5 + np.cumsum(rng.normal(0, 0.01, 1_000_000))

    # Act
    out = sma(values, 30)

    # Assert
    reference = pd.Series(values).rolling(30).mean().to_numpy()
    np.testing.assert_allclose(out[29:], reference[29:], rtol=0, atol=1e-9)


def test_ema_is_seeded_with_the_sma_then_smooths_with_two_over_window_plus_one():
    # Arrange: window 3, alpha 0.5; seed (1+2+3)/3 = 2, then 0.5*4 + 0.5*2 = 3, 0.5*5 + 0.5*3 = 4,
    # 0.5*10 + 0.5*4 = 7.
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 10.0]

    # Act
    out = ema(values, 3)

    # Assert
    np.testing.assert_allclose(out, [NAN, NAN, 2.0, 3.0, 4.0, 7.0])


def test_ema_skips_leading_nans_of_another_indicators_warmup():
    out = ema([NAN, NAN, 1.0, 2.0, 3.0, 4.0], 3)

    np.testing.assert_allclose(out, [NAN, NAN, NAN, NAN, 2.0, 3.0])


def test_ema_matches_pandas_ewm_without_adjustment_after_the_seed():
    # Arrange
    rng = np.random.default_rng(5)
    values = 100 + np.cumsum(rng.normal(0, 1, 5000))
    window = 10
    seeded = np.concatenate(([values[:window].mean()], values[window:]))

    # Act
    out = ema(values, window)

    # Assert
    reference = pd.Series(seeded).ewm(span=window, adjust=False).mean().to_numpy()
    np.testing.assert_allclose(out[window - 1 :], reference, rtol=1e-12)


def test_wilder_smoothing_uses_one_over_window():
    # seed (3+6)/2 = 4.5 at bar 1; alpha 1/2: 0.5*9 + 0.5*4.5 = 6.75
    np.testing.assert_allclose(wilder([3.0, 6.0, 9.0], 2), [NAN, 4.5, 6.75])


@pytest.mark.parametrize("alpha", [1.0, 2 / 3, 2 / 11, 1 / 14, 0.001])
def test_block_recursion_matches_a_plain_loop_across_block_boundaries(alpha):
    # Arrange: 20,000 values span several blocks for every alpha, including mixed signs.
    rng = np.random.default_rng(9)
    values = rng.normal(0, 1, 20_000)
    expected = np.empty_like(values)
    previous = 3.0
    for i, value in enumerate(values):
        previous = (1 - alpha) * previous + alpha * value
        expected[i] = previous

    # Act
    out = linear_recursion(values, alpha, 3.0)

    # Assert
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("window", [0, -3, 2.5, True])
def test_a_window_that_is_not_a_positive_integer_is_a_bad_request(window):
    with pytest.raises(BadRequest, match="window must be a positive integer"):
        sma([1.0, 2.0, 3.0], window)
