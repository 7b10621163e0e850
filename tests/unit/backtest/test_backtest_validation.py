from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from fks.backtest import BacktestConfig, parse_config, run_backtest
from fks.errors import BadRequest
from fks.strategies import get_strategy
from tests.unit.backtest.stubs import CandleStubs


def test_empty_candles_are_a_bad_request_naming_the_bars_needed():
    empty = pd.DataFrame({name: [] for name in ("open_time", "open", "high", "low", "close", "volume")})

    with pytest.raises(BadRequest, match="no candles to backtest; sma_cross needs at least 32 bars"):
        run_backtest(empty, get_strategy("sma_cross"), {"fast": 10, "slow": 30})


def test_too_few_candles_is_a_bad_request_naming_the_minimum():
    # Arrange: slow 30 exists from bar 29, a cross needs bar 30, its fill bar 31: 32 bars.
    candles = CandleStubs.from_closes(np.linspace(100, 110, 31))

    # Act / Assert
    with pytest.raises(BadRequest, match="sma_cross needs at least 32 bars with these parameters, got 31") as caught:
        run_backtest(candles, get_strategy("sma_cross"), {"fast": 10, "slow": 30})
    assert caught.value.details == {"min_bars": 32, "bars": 31}


def test_exactly_the_minimum_number_of_candles_runs():
    candles = CandleStubs.from_closes(np.linspace(100, 110, 32))

    result = run_backtest(candles, get_strategy("sma_cross"), {"fast": 10, "slow": 30})

    assert result.metrics.bars == 32


def test_invalid_strategy_parameters_are_reported_before_anything_runs():
    with pytest.raises(BadRequest, match="parameter fast must be >= 2"):
        run_backtest(CandleStubs.waves(), get_strategy("sma_cross"), {"fast": 0})


def test_missing_candle_columns_are_named():
    frame = CandleStubs.from_closes([1.0, 2.0]).drop(columns=["high", "volume"])

    with pytest.raises(BadRequest, match="candles are missing columns: high, volume"):
        run_backtest(frame, get_strategy("sma_cross"))


def test_open_times_that_do_not_increase_are_rejected_naming_the_bar():
    frame = CandleStubs.from_closes([1.0, 2.0, 3.0])
    frame.loc[2, "open_time"] = frame.loc[1, "open_time"]

    with pytest.raises(BadRequest, match="open_time must strictly increase; bar 2 does not"):
        run_backtest(frame, get_strategy("sma_cross"))


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("close", np.nan, "close must be finite"),
        ("low", -1.0, "low must be finite and positive"),
        ("high", 0.5, "high is below low at bar 1"),
    ],
)
def test_bad_prices_are_rejected_naming_the_bar(column, value, message):
    frame = CandleStubs.from_closes([1.0, 2.0, 3.0])
    frame.loc[1, column] = value

    with pytest.raises(BadRequest, match=message):
        run_backtest(frame, get_strategy("sma_cross"))


def test_parse_config_lists_every_invalid_field():
    with pytest.raises(BadRequest, match="invalid backtest config") as caught:
        parse_config({"initial_cash": "-5", "slippage_bps": 5000, "leverage": 3})

    assert [error.split(":")[0] for error in caught.value.details["errors"]] == [
        "initial_cash",
        "slippage_bps",
        "leverage",
    ]


def test_quantity_sizing_needs_a_quantity():
    with pytest.raises(BadRequest, match="sizing 'quantity' needs a quantity"):
        parse_config({"sizing": "quantity"})


def test_config_amounts_are_decimals():
    config = parse_config({"initial_cash": "2500.50", "stop_loss_pct": 2})

    assert config == BacktestConfig(initial_cash=Decimal("2500.50"), stop_loss_pct=Decimal(2))
