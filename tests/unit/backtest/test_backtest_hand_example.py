"""Ten bars worked by hand: every fill, fee and equity value below is computed in the comments."""

from decimal import Decimal

import numpy as np
import pytest

from fks.backtest import BacktestConfig, run_backtest
from tests.unit.backtest.stubs import MINUTE, T0, CandleStubs, ScriptedStrategy

#            open   high   low  close
BARS = [
    (100.0, 101.0, 99.0, 100.0),  # 0
    (100.0, 102.0, 99.0, 101.0),  # 1
    (101.0, 103.0, 100.0, 102.0),  # 2  long A fills at this open: 101
    (102.0, 105.0, 101.0, 104.0),  # 3
    (104.0, 106.0, 103.0, 105.0),  # 4
    (105.0, 106.0, 100.0, 101.0),  # 5  A exits and short B fills at this open: 105
    (101.0, 102.0, 97.0, 98.0),  # 6
    (98.0, 99.0, 95.0, 96.0),  # 7
    (96.0, 100.0, 95.0, 99.0),  # 8  B exits at this open: 96
    (99.0, 101.0, 98.0, 100.0),  # 9
]
# Decided at each close; filled at the next open. The +1 on the last bar has no next bar.
TARGETS = [0, 1, 1, 1, -1, -1, -1, 0, 0, 1]
TEN_BPS = BacktestConfig(
    initial_cash=Decimal(10_000), taker_fee_bps=Decimal(10), sizing="quantity", quantity=Decimal(10)
)


def run(config: BacktestConfig):
    return run_backtest(CandleStubs.from_ohlc(BARS), ScriptedStrategy(TARGETS), {}, config)


def test_hand_example_trades_fill_at_the_next_bars_open():
    # Act
    trades = run(TEN_BPS).trades

    # Assert
    assert [(t.side, t.entry_bar, t.entry_price, t.exit_bar, t.exit_price, t.exit_reason) for t in trades] == [
        ("long", 2, Decimal("101.0"), 5, Decimal("105.0"), "signal"),
        ("short", 5, Decimal("105.0"), 8, Decimal("96.0"), "signal"),
    ]
    assert [(t.entry_time, t.exit_time) for t in trades] == [
        (T0 + 2 * MINUTE, T0 + 5 * MINUTE),
        (T0 + 5 * MINUTE, T0 + 8 * MINUTE),
    ]
    assert all(t.quantity == Decimal("10.0") for t in trades)


def test_hand_example_fees_pnl_and_final_equity_in_cents():
    # Arrange: 10 units, taker 10 bps.
    # A: fees 10*101*0.001 + 10*105*0.001 = 1.01 + 1.05 = 2.06; pnl 10*(105-101) - 2.06 = 37.94
    # B: fees 1.05 + 0.96 = 2.01; pnl 10*(105-96) - 2.01 = 87.99
    # final equity 10000 + 37.94 + 87.99 = 10125.93

    # Act
    result = run(TEN_BPS)

    # Assert
    assert [(t.fees, t.pnl) for t in result.trades] == [
        (Decimal("2.06"), Decimal("37.94")),
        (Decimal("2.01"), Decimal("87.99")),
    ]
    assert result.final_equity == Decimal("10125.93")
    assert result.metrics.total_fees == Decimal("4.07")
    assert result.metrics.net_profit == Decimal("125.93")


def test_hand_example_equity_curve_marks_the_open_trade_at_each_close():
    # Arrange: in A, 10000 - 1.01 (entry fee) + 10*(close-101); in B, 10037.94 - 1.05 + 10*(105-close).
    expected = [10000, 10000, 10008.99, 10028.99, 10038.99, 10076.89, 10106.89, 10126.89, 10125.93, 10125.93]

    # Act
    equity = run(TEN_BPS).equity

    # Assert
    np.testing.assert_allclose(equity, expected, rtol=0, atol=1e-9)


def test_hand_example_exposure_win_rate_and_profit_factor():
    metrics = run(TEN_BPS).metrics

    assert metrics.exposure == pytest.approx(6 / 10)  # bars 2..7 held
    assert metrics.trade_count == 2
    assert metrics.win_rate == 1.0
    assert metrics.profit_factor is None  # no losing trade: undefined, not infinite


def test_fraction_sizing_compounds_the_equity_from_trade_to_trade():
    # Arrange: all equity, no fees: A buys 10000/101 units and multiplies equity by 105/101;
    # B shorts with that equity and multiplies it by 1 + (105-96)/105 = 114/105.
    # Final 10000 * 105/101 * 114/105 = 10000 * 114/101 = 11287.1287...
    config = BacktestConfig(initial_cash=Decimal(10_000))

    # Act
    result = run(config)

    # Assert
    assert result.trades[0].quantity == pytest.approx(Decimal(10_000) / Decimal(101))
    assert result.trades[1].quantity == pytest.approx(Decimal(10_000) * 105 / 101 / 105)
    assert result.final_equity == Decimal("11287.13")


def test_fraction_sizing_spends_the_fraction_including_the_entry_fee():
    # Arrange: half the equity at 10 bps: qty = 5000 / (101 * 1.001)
    config = BacktestConfig(fraction=Decimal("0.5"), taker_fee_bps=Decimal(10))

    # Act
    first = run(config).trades[0]

    # Assert
    assert first.quantity * first.entry_price + first.quantity * first.entry_price / 1000 == pytest.approx(
        Decimal(5000)
    )


def test_slippage_moves_every_market_fill_against_the_trader():
    # Arrange: 10 bps: the long buys 101*1.001 and sells 105*0.999; the short sells 105*0.999 and
    # buys back 96*1.001.
    config = BacktestConfig(slippage_bps=Decimal(10), sizing="quantity", quantity=Decimal(1))

    # Act
    trades = run(config).trades

    # Assert
    prices = [float(price) for t in trades for price in (t.entry_price, t.exit_price)]
    assert prices == pytest.approx([101.101, 104.895, 104.895, 96.096])
    assert [t.pnl for t in trades] == [Decimal("3.79"), Decimal("8.80")]


def test_a_position_still_open_on_the_last_bar_closes_at_its_close():
    # Arrange: long from bar 2 to the end.
    result = run_backtest(CandleStubs.from_ohlc(BARS), ScriptedStrategy([0, 1] + [1] * 8), {}, TEN_BPS)

    # Act
    (trade,) = result.trades

    # Assert
    assert (trade.exit_bar, trade.exit_price, trade.exit_reason) == (9, Decimal("100.0"), "end_of_data")
    assert result.metrics.exposure == pytest.approx(8 / 10)
