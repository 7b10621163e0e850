import math
from decimal import Decimal

import numpy as np
import pytest

from fks.backtest import compute_metrics
from fks.backtest.metrics import annual_periods, cagr, max_drawdown, sharpe_ratio, sortino_ratio

DAY = 86_400_000


def metrics_of(equity, trade_pnl=(), periods_per_year=None):
    curve = np.asarray(equity, dtype=np.float64)
    return compute_metrics(
        curve,
        DAY * np.arange(curve.shape[0], dtype=np.int64),
        np.asarray(trade_pnl, dtype=np.float64),
        0.0,
        0.5,
        initial_cash=Decimal(str(equity[0])),
        money_quantum=Decimal("0.01"),
        periods_per_year=periods_per_year,
    )


def test_max_drawdown_depth_and_duration_from_peak_to_recovery():
    # Arrange: peak 110 at bar 1, trough 99 (10 % below), back above at bar 3.
    equity = np.array([100.0, 110.0, 99.0, 121.0])

    # Act
    drawdown = max_drawdown(equity)

    # Assert
    assert drawdown.depth == pytest.approx(0.1)
    assert (drawdown.duration_bars, drawdown.peak_bar, drawdown.end_bar) == (2, 1, 3)


def test_an_unrecovered_drawdown_lasts_until_the_last_bar():
    drawdown = max_drawdown(np.array([100.0, 120.0, 90.0, 100.0, 95.0]))

    assert drawdown.depth == pytest.approx(0.25)
    assert (drawdown.duration_bars, drawdown.peak_bar, drawdown.end_bar) == (3, 1, 4)


def test_the_longest_drawdown_need_not_be_the_deepest():
    # 50 % fall recovered in 2 bars, then a 1 % dip lasting 4 bars to the end.
    drawdown = max_drawdown(np.array([100.0, 50.0, 100.0, 99.0, 99.0, 99.0, 99.0]))

    assert drawdown.depth == pytest.approx(0.5)
    assert drawdown.duration_bars == 4


def test_a_rising_or_flat_curve_has_no_drawdown():
    assert max_drawdown(np.array([100.0, 100.0, 101.0, 102.0])) == (0.0, 0, 0, 0)


def test_sharpe_is_mean_over_sample_deviation_times_root_periods():
    # mean 0.02, sample sd 0.01*sqrt(2), four periods a year: 0.02 / 0.014142 * 2 = 2*sqrt(2)
    assert sharpe_ratio(np.array([0.01, 0.03]), 4) == pytest.approx(2 * math.sqrt(2))


def test_sortino_divides_by_the_downside_deviation_over_all_periods():
    # mean 0.005; downside sqrt((0.01^2 + 0.01^2) / 4) = 0.0070711; 0.005 / 0.0070711 = 1/sqrt(2)
    assert sortino_ratio(np.array([0.02, -0.01, 0.02, -0.01]), 1) == pytest.approx(1 / math.sqrt(2))


def test_ratios_of_a_flat_curve_are_undefined_not_infinite():
    metrics = metrics_of([100.0, 100.0, 100.0])

    assert (metrics.sharpe, metrics.sortino, metrics.win_rate, metrics.profit_factor) == (None, None, None, None)
    assert metrics.total_return == 0.0


def test_cagr_of_doubling_twice_in_two_years_is_one_hundred_percent():
    assert cagr(100.0, 400.0, 2.0) == pytest.approx(1.0)
    assert cagr(100.0, 0.0, 1.0) == -1.0


def test_metrics_of_a_known_daily_curve():
    # Arrange: 366 daily bars (365.25 per year: ~1.002 years) from 100 to 150, two trades.
    equity = np.linspace(100.0, 150.0, 366)

    # Act
    metrics = metrics_of(equity, trade_pnl=[60.0, -10.0])

    # Assert
    assert metrics.periods_per_year == pytest.approx(365.25)
    assert metrics.total_return == pytest.approx(0.5)
    assert metrics.cagr == pytest.approx(1.5 ** (365.25 / 366) - 1)
    assert metrics.final_equity == Decimal("150.00")
    assert metrics.net_profit == Decimal("50.00")
    assert metrics.max_drawdown == 0.0
    assert (metrics.win_rate, metrics.profit_factor, metrics.trade_count) == (0.5, 6.0, 2)


def test_drawdown_duration_is_also_reported_in_time():
    metrics = metrics_of([100.0, 110.0, 99.0, 105.0, 111.0])

    assert metrics.max_drawdown_duration_bars == 3
    assert metrics.max_drawdown_duration_ms == 3 * DAY


def test_win_rate_and_profit_factor_count_net_trade_pnl():
    metrics = metrics_of([100.0, 110.0], trade_pnl=[10.0, -5.0, 20.0, -5.0])

    assert metrics.win_rate == 0.5
    assert metrics.profit_factor == pytest.approx(3.0)


def test_periods_per_year_follow_the_bar_interval_unless_given():
    minutes = 60_000 * np.arange(100, dtype=np.int64)

    assert annual_periods(minutes, None) == pytest.approx(525_960)
    assert annual_periods(minutes, 252.0) == 252.0


@pytest.mark.parametrize("seed", [4, 5])
def test_the_bar_loops_curve_summary_gives_the_metrics_the_curve_itself_gives(seed):
    # Arrange: a backtest with losses, recoveries and a drawdown still open at the end.
    from fks.backtest import BacktestConfig, run_backtest
    from tests.unit.backtest.stubs import CandleStubs, ScriptedStrategy

    rng = np.random.default_rng(seed)
    candles = CandleStubs.random_walk(3_000, seed=seed, volatility=0.004)
    targets = np.repeat(rng.choice([-1.0, 0.0, 1.0], size=300), 10)
    config = BacktestConfig(taker_fee_bps=Decimal(5), trailing_stop_pct=Decimal(2))

    # Act
    result = run_backtest(candles, ScriptedStrategy(targets), {}, config)
    from_curve = compute_metrics(
        result.equity,
        candles.open_time,
        result.trade_log.pnl,
        float(result.trade_log.fees.sum()),
        result.metrics.exposure,
        initial_cash=config.initial_cash,
        money_quantum=config.money_quantum,
    )

    # Assert
    got = result.metrics
    assert got.max_drawdown_duration_bars == from_curve.max_drawdown_duration_bars > 0
    assert got.max_drawdown_duration_ms == from_curve.max_drawdown_duration_ms
    for name in ("sharpe", "sortino", "max_drawdown", "total_return", "cagr"):
        assert getattr(got, name) == pytest.approx(getattr(from_curve, name), rel=1e-9), name
