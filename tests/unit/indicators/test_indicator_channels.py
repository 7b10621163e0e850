import math

import numpy as np
import pytest

from fks.errors import BadRequest
from fks.indicators import atr, bollinger, donchian, true_range

NAN = np.nan


def test_bollinger_bands_use_the_population_standard_deviation():
    # Arrange: window 3 over 1,2,3 -> mean 2, population sd sqrt(2/3); over 2,3,7 -> mean 4,
    # sd sqrt((4+1+9)/3).
    closes = [1.0, 2.0, 3.0, 7.0]

    # Act
    band = bollinger(closes, 3, 2.0)

    # Assert
    np.testing.assert_allclose(band.middle, [NAN, NAN, 2.0, 4.0])
    np.testing.assert_allclose(band.upper[2:], [2 + 2 * math.sqrt(2 / 3), 4 + 2 * math.sqrt(14 / 3)])
    np.testing.assert_allclose(band.lower[2:], [2 - 2 * math.sqrt(2 / 3), 4 - 2 * math.sqrt(14 / 3)])


def test_bollinger_with_a_non_positive_width_is_a_bad_request():
    with pytest.raises(BadRequest, match="num_std"):
        bollinger([1.0, 2.0, 3.0], 2, 0.0)


def test_donchian_channel_is_the_highest_high_and_lowest_low_including_the_current_bar():
    # Arrange
    high = [5.0, 7.0, 6.0, 4.0, 8.0]
    low = [1.0, 3.0, 2.0, 0.5, 4.0]

    # Act
    band = donchian(high, low, 3)

    # Assert
    np.testing.assert_allclose(band.upper, [NAN, NAN, 7.0, 7.0, 8.0])
    np.testing.assert_allclose(band.lower, [NAN, NAN, 1.0, 0.5, 0.5])
    np.testing.assert_allclose(band.middle, [NAN, NAN, 4.0, 3.75, 4.25])


def test_true_range_takes_gaps_from_the_previous_close_into_account():
    # bar 0: 10-8; bar 1: max(12-9, |12-9|, |9-9|) = 3; bar 2: gap down, max(5-4, |5-11|, |4-11|) = 7
    out = true_range([10.0, 12.0, 5.0], [8.0, 9.0, 4.0], [9.0, 11.0, 4.5])

    np.testing.assert_allclose(out, [2.0, 3.0, 7.0])


def test_atr_seeds_with_the_mean_true_range_then_uses_wilders_smoothing():
    # Arrange: true ranges 2, 3, 2, 4; seed (2+3+2)/3 = 7/3 at bar 2; then (7/3*2 + 4)/3 = 26/9.
    high, low, close = [10.0, 12.0, 13.0, 14.0], [8.0, 9.0, 11.0, 10.0], [9.0, 11.0, 12.0, 13.0]

    # Act
    out = atr(high, low, close, 3)

    # Assert
    np.testing.assert_allclose(out, [NAN, NAN, 7 / 3, 26 / 9])


def test_true_range_of_unequal_lengths_is_a_bad_request():
    with pytest.raises(BadRequest, match="same length"):
        true_range([1.0, 2.0], [1.0], [1.0, 2.0])
