import numpy as np
import pytest

from fks.backtest import BacktestConfig, run_backtest
from fks.strategies import check_causal, get_strategy
from tests.unit.backtest.stubs import BUILT_IN_STRATEGIES as BUILT_IN
from tests.unit.backtest.stubs import CandleStubs


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_built_in_trades_long_and_short_on_swinging_prices(name):
    # Arrange
    candles = CandleStubs.waves()
    strategy = get_strategy(name)

    # Act
    result = run_backtest(candles, strategy, {}, BacktestConfig())

    # Assert
    sides = {trade.side for trade in result.trades}
    assert result.trade_count >= 1
    assert sides == {"long", "short"}


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_built_in_targets_only_minus_one_zero_or_one_and_is_flat_during_warmup(name):
    # Arrange
    candles = CandleStubs.waves()
    strategy = get_strategy(name)
    params = strategy.validate_params({})

    # Act
    targets = strategy.target_positions(candles, params)

    # Assert
    assert set(np.unique(targets)) <= {-1.0, 0.0, 1.0}
    assert not targets[: strategy.warmup_bars(params)].any()


@pytest.mark.parametrize("name", BUILT_IN)
def test_each_built_in_uses_no_data_after_the_bar_it_decides_on(name):
    candles = CandleStubs.random_walk(400, seed=11)

    check_causal(get_strategy(name), candles, {}, cut_points=[60, 61, 150, 299, 400])


def test_sma_cross_enters_only_on_a_cross_not_on_the_first_bar_both_averages_exist():
    # Arrange: fast = SMA 2, slow = SMA 4, by hand:
    # bar      3     4     5     6      7      8      9     10    11    12     13
    # fast  12.5  13.5  14.5  13.0   10.0    8.5    7.5   8.0  10.5  13.5   16.5
    # slow  11.5  12.5  13.5  13.25  12.25  10.75   8.75  8.25  9.0  10.75  13.5
    # Fast is above slow when slow first exists (bar 3) - no cross, so no trade - crosses below
    # at bar 6 and back above at bar 11.
    closes = [10, 11, 12, 13, 14, 15, 11, 9, 8, 7, 9, 12, 15, 18]
    candles = CandleStubs.from_closes(closes)

    # Act
    targets = get_strategy("sma_cross").target_positions(candles, {"fast": 2, "slow": 4})

    # Assert
    assert list(targets) == [0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, 1, 1, 1]


def test_donchian_breakout_goes_long_above_the_previous_high_and_exits_below_the_exit_low():
    # Arrange: entry 3 bars, exit 2 bars.
    rows = [(10, 11, 9, 10), (10, 11, 9, 10), (10, 11, 9, 10), (10, 12, 10, 11.5), (11.5, 12, 11, 11.8),
            (11.8, 12, 10.5, 10.6), (10.6, 10.8, 10.2, 10.4)]  # fmt: skip
    candles = CandleStubs.from_ohlc(rows)

    # Act
    targets = get_strategy("donchian_breakout").target_positions(candles, {"entry_window": 3, "exit_window": 2})

    # Assert: bar 3 closes 11.5 above the prior 3-bar high (11); bar 5 closes 10.6, still above
    # the prior 2-bar low (10); bar 6 closes 10.4 below the prior 2-bar low (10.5) and exits.
    assert list(targets) == [0, 0, 0, 1, 1, 1, 0]
