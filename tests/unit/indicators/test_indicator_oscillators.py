import numpy as np
import pytest

from fks.errors import BadRequest
from fks.indicators import ema, macd, rsi

# Wilder's worked example as published by StockCharts ("RSI" ChartSchool spreadsheet).
WILDER_CLOSES = [
    44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61,
    46.28, 46.28, 46.00, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35,
    44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
]  # fmt: skip
# Published RSI(14) from bar 14 on; the table rounds its running averages to two decimals,
# so it is met within 0.1.
PUBLISHED_RSI = [
    70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99,
    41.46, 41.87, 45.46, 37.30, 33.08, 37.77,
]  # fmt: skip


def test_rsi_first_value_matches_wilders_example_computed_by_hand():
    # Arrange: the first 14 changes gain 3.34 and lose 1.40 in total, so
    # RSI = 100 - 100 / (1 + 3.34/1.40) = 70.4641.
    # Next change -0.28: gain 3.34*13/14/14, loss (1.40*13/14 + 0.28)/14 -> RSI 66.2486.

    # Act
    out = rsi(WILDER_CLOSES, 14)

    # Assert
    assert np.isnan(out[:14]).all()
    assert out[14] == pytest.approx(100 - 100 / (1 + 3.34 / 1.40), abs=1e-9)
    assert out[14] == pytest.approx(70.4641, abs=1e-4)
    assert out[15] == pytest.approx(100 * (3.34 * 13 / 14) / (3.34 * 13 / 14 + 1.40 * 13 / 14 + 0.28), abs=1e-9)


def test_rsi_follows_the_published_wilder_table():
    out = rsi(WILDER_CLOSES, 14)

    np.testing.assert_allclose(out[14:], PUBLISHED_RSI, atol=0.1)


def test_rsi_is_100_with_only_gains_0_with_only_losses_and_50_when_flat():
    rising = np.arange(1.0, 30.0)

    assert rsi(rising, 14)[-1] == 100.0
    assert rsi(rising[::-1], 14)[-1] == 0.0
    assert rsi(np.full(30, 7.0), 14)[-1] == 50.0


def test_macd_line_is_fast_minus_slow_ema_and_histogram_its_gap_to_the_signal():
    # Arrange
    closes = 100 + 5 * np.sin(np.arange(120) / 6)

    # Act
    result = macd(closes, 12, 26, 9)

    # Assert
    np.testing.assert_allclose(result.line, ema(closes, 12) - ema(closes, 26))
    np.testing.assert_allclose(result.signal[33:], ema(result.line[25:], 9)[8:])
    np.testing.assert_allclose(result.histogram, result.line - result.signal)


def test_macd_warmup_ends_at_slow_minus_one_and_signal_at_slow_plus_signal_minus_two():
    result = macd(np.linspace(1, 50, 60), 12, 26, 9)

    assert np.isnan(result.line[:25]).all()
    assert not np.isnan(result.line[25])
    assert np.isnan(result.signal[:33]).all()
    assert not np.isnan(result.signal[33])


def test_macd_of_a_constant_price_is_zero():
    result = macd(np.full(60, 10.0))

    assert result.line[-1] == pytest.approx(0.0)
    assert result.signal[-1] == pytest.approx(0.0)


def test_macd_with_fast_not_shorter_than_slow_is_a_bad_request():
    with pytest.raises(BadRequest, match="fast"):
        macd(np.ones(50), 26, 12, 9)
