from decimal import Decimal

import numpy as np
import pytest

from fks.backtest import BacktestConfig, backtest_metrics, run_backtest, run_grid
from fks.errors import BadRequest
from fks.strategies import crossovers, get_strategy
from tests.unit.backtest.stubs import CandleStubs


def test_grid_results_equal_individual_runs_in_combination_order():
    # Arrange
    candles = CandleStubs.random_walk(2_000, seed=4)
    strategy = get_strategy("sma_cross")
    config = BacktestConfig()

    # Act
    results = run_grid(candles, strategy, {"fast": [5, 10], "slow": [20, 40]}, config)

    # Assert
    assert [params for params, _ in results] == [
        {"fast": 5, "slow": 20},
        {"fast": 5, "slow": 40},
        {"fast": 10, "slow": 20},
        {"fast": 10, "slow": 40},
    ]
    for params, metrics in results:
        assert metrics == run_backtest(candles, strategy, params, config).metrics


def test_a_cells_metrics_without_the_curve_equal_a_full_backtests_with_fees_stops_and_shorts():
    # Arrange: every cost and exit the bar loop knows, so the curve's summary has trades to follow.
    candles = CandleStubs.random_walk(3_000, seed=9)
    config = BacktestConfig(
        taker_fee_bps=Decimal("10"),
        maker_fee_bps=Decimal("2"),
        slippage_bps=Decimal("5"),
        allow_short=True,
        stop_loss_pct=Decimal("1"),
        take_profit_pct=Decimal("2"),
        trailing_stop_pct=Decimal("1.5"),
    )
    params = {"fast": 5, "slow": 20}

    # Act
    metrics = backtest_metrics(candles, "sma_cross", params, config)

    # Assert
    full = run_backtest(candles, "sma_cross", params, config)
    assert full.metrics.trade_count > 10
    assert metrics == full.metrics


def test_grid_computes_each_moving_average_once_per_window(monkeypatch):
    # Arrange: a 3 x 3 grid needs 9 runs but only 6 distinct SMAs, all from one set of prefix sums.
    builds, windows = [], []

    class CountingSums(crossovers.WindowSums):
        def __init__(self, values):
            builds.append(len(values))
            super().__init__(values)

        def means(self, window):
            windows.append(window)
            return super().means(window)

    monkeypatch.setattr(crossovers, "WindowSums", CountingSums)
    candles = CandleStubs.waves()

    # Act
    results = run_grid(candles, get_strategy("sma_cross"), {"fast": [2, 3, 4], "slow": [5, 6, 7]})

    # Assert
    assert len(results) == 9
    assert builds == [len(candles)]
    assert sorted(windows) == [2, 3, 4, 5, 6, 7]


def test_a_grid_combination_breaking_a_parameter_rule_is_named():
    with pytest.raises(BadRequest, match=r"grid combination \{'fast': 20, 'slow': 10\} is invalid: parameter fast"):
        run_grid(CandleStubs.waves(), get_strategy("sma_cross"), {"fast": [5, 20], "slow": [10, 30]})


def test_skip_invalid_leaves_out_combinations_breaking_a_rule():
    results = run_grid(
        CandleStubs.waves(), get_strategy("sma_cross"), {"fast": [5, 20], "slow": [10, 30]}, skip_invalid=True
    )

    assert [params for params, _ in results] == [
        {"fast": 5, "slow": 10},
        {"fast": 5, "slow": 30},
        {"fast": 20, "slow": 30},
    ]


def test_an_unknown_grid_parameter_fails_even_when_skipping_invalid_combinations():
    with pytest.raises(BadRequest, match="unknown parameter 'fats'"):
        run_grid(CandleStubs.waves(), get_strategy("sma_cross"), {"fats": [5]}, skip_invalid=True)


@pytest.mark.parametrize("grid", [{}, {"fast": []}, {"fast": "10"}])
def test_an_empty_grid_or_value_list_is_a_bad_request(grid):
    with pytest.raises(BadRequest, match="grid"):
        run_grid(CandleStubs.waves(), get_strategy("sma_cross"), grid)


def test_an_out_of_range_grid_value_fails_even_when_skipping_invalid_combinations():
    with pytest.raises(BadRequest, match="parameter fast must be >= 2, got 1"):
        run_grid(CandleStubs.waves(), "sma_cross", {"fast": [1, 5], "slow": [30]}, skip_invalid=True)


def test_a_grid_may_be_built_with_numpy_ranges_and_a_strategy_name():
    results = run_grid(CandleStubs.waves(), "sma_cross", {"fast": np.arange(5, 7), "slow": range(20, 22)})

    assert [params for params, _ in results] == [
        {"fast": 5, "slow": 20},
        {"fast": 5, "slow": 21},
        {"fast": 6, "slow": 20},
        {"fast": 6, "slow": 21},
    ]
    assert all(type(params["fast"]) is int for params, _ in results)
