"""A strategy's target at bar t can only be filled at bar t + 1's open."""

from decimal import Decimal

import numpy as np

from fks.backtest import BacktestConfig, run_backtest
from fks.strategies import Candles, IndicatorCache, Params, Strategy
from fks.strategies.candles import FloatArray
from tests.unit.backtest.stubs import CandleStubs


class SameBarCheater(Strategy):
    """Decides bar t's position from bar t's own close: a fortune if it were filled at bar t's
    open, exactly what the engine must make impossible."""

    name = "same_bar_cheater"
    description = "long on up bars, short on down bars"
    parameters = ()

    def warmup_bars(self, params: Params) -> int:
        return 0

    def compute_targets(self, candles: Candles, params: Params, cache: IndicatorCache) -> FloatArray:
        return np.sign(candles.close - candles.open)


def zigzag(bars: int):
    """Up 2 %, down 2 %, up, down...: every bar's direction is the opposite of the last one."""
    closes = [100.0 if i % 2 == 0 else 102.0 for i in range(bars)]
    return CandleStubs.from_closes(closes)


def test_a_strategy_reading_its_own_bar_is_filled_one_bar_later_and_gains_nothing():
    # Arrange: filled at its own bar's open the cheater would earn ~2 % per bar.
    candles = zigzag(40)
    config = BacktestConfig(initial_cash=Decimal(10_000))

    # Act
    result = run_backtest(candles, SameBarCheater(), {}, config)

    # Assert: each target is held through the following bar, which always moves the other way.
    assert result.trade_count > 30
    assert all(trade.entry_bar == trade.exit_bar - 1 for trade in result.trades[:-1])
    assert all(trade.pnl < 0 for trade in result.trades)
    assert result.metrics.total_return < -0.3


def test_the_fill_of_the_target_at_bar_t_uses_the_open_of_bar_t_plus_one():
    # Arrange
    candles = zigzag(6)
    targets = SameBarCheater().target_positions(candles)

    # Act
    first = run_backtest(candles, SameBarCheater(), {}, BacktestConfig()).trades[0]

    # Assert: bar 1 is the first up bar; its +1 is filled at bar 2's open, not bar 1's.
    assert list(targets[:3]) == [0.0, 1.0, -1.0]
    assert first.side == "long"
    assert first.entry_bar == 2
    assert first.entry_price == Decimal(repr(float(candles["open"][2])))
