"""The example plugin strategy (layers/strategies/fks_user_strategies/rsi_trend.py)."""

import numpy as np
import pytest

from fks.backtest import BacktestConfig, run_backtest
from fks.errors import BadRequest
from fks.indicators import ema
from fks.strategies import check_causal, get_strategy
from fks_user_strategies.rsi_trend import RsiTrend
from tests.unit.backtest.stubs import CandleStubs

PARAMS = {"rsi_window": 5, "trend_window": 30}


def test_it_is_served_by_the_registry_as_the_plugin_class():
    assert isinstance(get_strategy("rsi_trend"), RsiTrend)


def test_long_only_by_default_and_flat_during_warm_up():
    candles = CandleStubs.random_walk(3_000, seed=7)
    strategy = RsiTrend()

    targets = strategy.target_positions(candles, PARAMS)

    assert set(np.unique(targets)) <= {0.0, 1.0}
    assert (targets == 1.0).any()
    assert not targets[: strategy.warmup_bars(strategy.validate_params(PARAMS))].any()


def test_with_shorting_allowed_it_trades_both_sides_in_a_backtest():
    result = run_backtest(
        CandleStubs.random_walk(3_000, seed=7), "rsi_trend", {**PARAMS, "allow_short": "yes"}, BacktestConfig()
    )

    assert {trade.side for trade in result.trades} == {"long", "short"}


def test_a_long_is_held_only_while_the_close_is_above_the_trend():
    candles = CandleStubs.random_walk(3_000, seed=7)
    strategy = RsiTrend()

    targets = strategy.target_positions(candles, PARAMS)
    trend = ema(candles.close, PARAMS["trend_window"])

    assert (candles.close[targets == 1.0] > trend[targets == 1.0]).all()


def test_it_does_not_look_ahead():
    check_causal(RsiTrend(), CandleStubs.random_walk(2_000, seed=3), {**PARAMS, "allow_short": "yes"})


@pytest.mark.parametrize(
    ("params", "named"),
    [({"oversold": 80.0, "overbought": 70.0}, "overbought"), ({"oversold": 40.0, "exit_level": 35.0}, "exit_level")],
)
def test_contradictory_levels_are_a_bad_request_naming_the_parameter(params, named):
    with pytest.raises(BadRequest) as caught:
        RsiTrend().validate_params(params)

    assert caught.value.details["parameter"] == named
