"""Stop-loss and take-profit: 5 % and 10 % from a long entry at 100 (levels 95 and 110)."""

from decimal import Decimal

import pytest

from fks.backtest import BacktestConfig, run_backtest
from tests.unit.backtest.stubs import CandleStubs, ScriptedStrategy

ENTRY_BAR = (100.0, 100.5, 99.5, 100.0)
STOPS = {"stop_loss_pct": Decimal(5), "take_profit_pct": Decimal(10), "sizing": "quantity", "quantity": Decimal(1)}


def run(bars, targets, **config):
    settings = {**STOPS, **config}
    return run_backtest(CandleStubs.from_ohlc(bars), ScriptedStrategy(targets), {}, BacktestConfig(**settings))


@pytest.mark.parametrize(
    ("bar", "reason", "price"),
    [
        ((99.0, 99.5, 94.0, 96.0), "stop_loss", Decimal("95.0")),  # touches 95
        ((93.0, 95.5, 92.0, 94.0), "stop_loss", Decimal("93.0")),  # opens through the stop
        ((105.0, 111.0, 104.0, 108.0), "take_profit", Decimal("110.0")),  # touches 110
        ((112.0, 113.0, 111.0, 112.5), "take_profit", Decimal("112.0")),  # opens through the target
        ((100.0, 111.0, 94.0, 100.0), "stop_loss", Decimal("95.0")),  # both: the stop is assumed first
    ],
)
def test_long_exits_at_its_level_or_at_a_gapping_open(bar, reason, price):
    # Arrange: long from bar 1's open at 100; the stop bar is bar 3.
    bars = [ENTRY_BAR, ENTRY_BAR, (100.0, 101.0, 99.0, 100.0), bar, ENTRY_BAR]

    # Act
    (trade,) = run(bars, [1, 1, 1, 1, 1]).trades

    # Assert
    assert (trade.exit_bar, trade.exit_reason, trade.exit_price) == (3, reason, price)


def test_a_stop_can_trigger_on_the_entry_bar_itself():
    bars = [ENTRY_BAR, (100.0, 101.0, 94.5, 96.0), ENTRY_BAR]

    (trade,) = run(bars, [1, 1, 1]).trades

    assert (trade.entry_bar, trade.exit_bar, trade.exit_reason) == (1, 1, "stop_loss")


def test_take_profit_pays_the_maker_fee_and_stop_loss_the_taker_fee_and_slippage():
    # Arrange: maker 2 bps, taker 10 bps, slippage 10 bps, one unit.
    # Entry 100 * 1.001 = 100.1 (fee 0.1001). TP at 110.11, no slippage, fee 0.0220.
    # SL at 95.095 less 10 bps slippage = 94.999905, fee 0.0950.
    fees = {"maker_fee_bps": Decimal(2), "taker_fee_bps": Decimal(10), "slippage_bps": Decimal(10)}
    up = [ENTRY_BAR, ENTRY_BAR, (105.0, 111.0, 104.0, 108.0)]
    down = [ENTRY_BAR, ENTRY_BAR, (99.0, 99.5, 94.0, 96.0)]

    # Act
    (win,) = run(up, [1, 1, 1], **fees).trades
    (loss,) = run(down, [1, 1, 1], **fees).trades

    # Assert
    assert win.exit_price == Decimal("110.11")
    assert win.fees == Decimal("0.12")  # 0.1001 + 0.022022
    assert win.pnl == Decimal("9.89")  # 110.11 - 100.1 - 0.122122
    assert float(loss.exit_price) == pytest.approx(94.999905)
    assert loss.fees == Decimal("0.20")  # 0.1001 + 0.0950
    assert loss.pnl == Decimal("-5.30")  # 94.999905 - 100.1 - 0.195100


def test_after_a_stop_the_strategy_must_signal_again_to_reenter():
    # Arrange: stopped on bar 2 while the target stays long; flat at bar 4's close, long at bar 5's.
    calm = (100.0, 100.5, 99.5, 100.0)
    bars = [calm, calm, (99.0, 99.5, 94.0, 96.0), calm, calm, calm, calm, calm]
    targets = [1, 1, 1, 1, 0, 1, 1, 1]

    # Act
    trades = run(bars, targets).trades

    # Assert
    assert [(t.entry_bar, t.exit_bar, t.exit_reason) for t in trades] == [(1, 2, "stop_loss"), (6, 7, "end_of_data")]


@pytest.mark.parametrize(
    ("bar", "reason", "price"),
    [
        ((101.0, 106.0, 100.0, 104.0), "stop_loss", Decimal("105.0")),
        ((95.0, 96.0, 89.0, 91.0), "take_profit", Decimal("90.0")),
    ],
)
def test_short_stops_sit_above_and_targets_below_the_entry(bar, reason, price):
    bars = [ENTRY_BAR, ENTRY_BAR, bar, ENTRY_BAR]

    (trade,) = run(bars, [-1, -1, -1, -1]).trades

    assert (trade.side, trade.exit_bar, trade.exit_reason, trade.exit_price) == ("short", 2, reason, price)
