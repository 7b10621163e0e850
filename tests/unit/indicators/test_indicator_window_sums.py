import math
from fractions import Fraction

import numpy as np
import pytest

from fks.indicators import sma
from fks.indicators.window_sums import WindowSums

NAN, INF = np.nan, np.inf


@pytest.mark.parametrize("level", [100.0, 1e5])  # ticks summed in one int64, or split in two floats
def test_every_window_mean_of_prices_is_the_decimals_mean_rounded_once_on_a_million_bars(level):
    # Arrange: prices quoted to 8 decimals, where a running cumsum loses ~1e-9 near 1e5.
    rng = np.random.default_rng(3)
    values = np.round(level + np.cumsum(rng.normal(0, level * 1e-7, 1_000_000)), 8)
    ticks = [round(v * 10**8) for v in values.tolist()]
    sums = WindowSums(values)
    sample = rng.integers(200, values.shape[0], 2_000)

    for window in (2, 10, 30, 120):
        # Act
        means = sums.means(window)

        # Assert: the exact mean of the quoted decimals, rounded once.
        expected = [float(Fraction(sum(ticks[t - window + 1 : t + 1]), window * 10**8)) for t in sample]
        assert means[sample].tolist() == expected, window


def test_every_window_mean_of_other_values_is_the_floats_mean_rounded_once():
    # Arrange: values on no decimal grid (a random walk's raw floats).
    rng = np.random.default_rng(4)
    values = 1e5 + np.cumsum(rng.normal(0, 0.01, 200_000))
    sums = WindowSums(values)
    sample = rng.integers(200, values.shape[0], 2_000)

    for window in (2, 30):
        # Act
        window_sums = sums.sums(window)

        # Assert: fsum is the exactly rounded sum of the floats.
        assert window_sums[sample].tolist() == [math.fsum(values[t - window + 1 : t + 1]) for t in sample]


def test_prices_whose_averages_are_equal_as_decimals_make_no_cross():
    # Arrange: (103.46 + 98.38) / 2 == (100.92 + 103.46 + 98.38) / 3 == 100.92 exactly, but the
    # floats nearest these decimals average to 100.91999999999999 over two bars.
    values = [100.92, 103.46, 98.38]

    # Act
    sums = WindowSums(values)

    # Assert
    assert sums.means(2)[2] == sums.means(3)[2] == 100.92


def test_equal_averages_stay_equal_so_they_never_make_a_strict_cross():
    # Arrange: a series where the 2- and 4-bar means are exactly equal on every bar from bar 3.
    values = np.tile([0.1, 0.3, 0.1, 0.3], 250_000) + 1e4

    # Act
    sums = WindowSums(values)
    fast, slow = sums.means(2)[3:], sums.means(4)[3:]

    # Assert
    assert np.array_equal(fast, slow)


def test_a_window_holding_a_nan_or_an_inf_is_what_numpy_sums_of_it_give():
    values = [1.0, NAN, 2.0, 3.0, INF, -INF, 5.0, 6.0]

    out = WindowSums(values).sums(2)

    np.testing.assert_array_equal(out, [NAN, NAN, NAN, 5.0, INF, NAN, -INF, 11.0])


def test_leading_nans_of_another_indicator_leave_the_later_windows_exact():
    out = sma([NAN, NAN, 1.0, 2.0, 3.0, 4.0], 2)

    np.testing.assert_array_equal(out, [NAN, NAN, NAN, 1.5, 2.5, 3.5])


@pytest.mark.parametrize("values", [[0.0, 0.0, 0.0], [1e-300, 2e-300, 3e-300], [1e300, -1e300, 1e300]])
def test_zeros_and_extreme_magnitudes_sum_like_numpy(values):
    out = WindowSums(values).sums(2)

    np.testing.assert_array_equal(out[1:], np.add(values[:-1], values[1:]))


def test_a_series_shorter_than_the_window_is_all_nan():
    assert np.isnan(WindowSums([1.0, 2.0]).means(3)).all()
