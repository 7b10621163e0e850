from decimal import Decimal

import pytest

from fks.backtest import BacktestConfig, run_backtest
from tests.unit.backtest.stubs import CandleStubs, ScriptedStrategy

FALLING = [(100.0, 100.0, 100.0, 100.0), (100.0, 100.0, 95.0, 95.0), (95.0, 95.0, 90.0, 90.0), (90.0, 90.0, 80.0, 80.0)]


def test_a_short_profits_from_a_fall_with_all_equity_committed():
    # Arrange: short 10000/100 = 100 units at bar 1's open (100), out at the last close (80).
    # PnL 100 * (100 - 80) = 2000.

    # Act
    result = run_backtest(CandleStubs.from_ohlc(FALLING), ScriptedStrategy([-1, -1, -1, -1]), {}, BacktestConfig())

    # Assert
    (trade,) = result.trades
    assert (trade.side, trade.quantity, trade.pnl) == ("short", Decimal(100), Decimal("2000.00"))
    assert result.final_equity == Decimal("12000.00")
    assert list(result.equity) == pytest.approx([10_000, 10_500, 11_000, 12_000])


def test_with_shorts_disallowed_a_short_target_means_flat():
    # Arrange: the hand example's long/short script.
    config = BacktestConfig(allow_short=False)
    rows = [(100.0, 101.0, 99.0, 100.0)] * 6

    # Act
    result = run_backtest(CandleStubs.from_ohlc(rows), ScriptedStrategy([1, 1, -1, -1, 1, 1]), {}, config)

    # Assert: long bars 1-2, flat while the target is short, long again from bar 5.
    assert [(t.side, t.entry_bar, t.exit_bar) for t in result.trades] == [("long", 1, 3), ("long", 5, 5)]


def test_fractional_targets_scale_the_position():
    # Arrange: half exposure short: 50 units of 100.
    result = run_backtest(CandleStubs.from_ohlc(FALLING), ScriptedStrategy([-0.5] * 4), {}, BacktestConfig())

    # Act
    (trade,) = result.trades

    # Assert
    assert (trade.quantity, trade.pnl) == (Decimal(50), Decimal("1000.00"))


def test_a_short_squeeze_that_wipes_out_the_equity_ends_trading():
    # Arrange: all equity short at 100, the price gaps to 250: equity 10000 - 100 * 150 = -5000.
    # The later long target cannot be sized from negative equity, so it is never traded.
    rows = [(100.0, 100.0, 100.0, 100.0), (100.0, 100.0, 100.0, 100.0), (250.0, 250.0, 250.0, 250.0)] * 2
    targets = [-1, 0, 0, 1, 1, 1]

    # Act
    result = run_backtest(CandleStubs.from_ohlc(rows), ScriptedStrategy(targets), {}, BacktestConfig())

    # Assert
    assert result.trade_count == 1
    assert result.final_equity == Decimal("-5000.00")
    assert result.metrics.max_drawdown > 1.0
