"""The Rust core's bar loop against a plain Python bar-by-bar loop written straight from the fill rules."""

from decimal import Decimal

import numpy as np
import pytest

from fks.backtest import BacktestConfig, run_backtest
from tests.unit.backtest.stubs import CandleStubs, ScriptedStrategy


def entry_quantity(config, size, equity, entry):
    if config.sizing == "fraction":
        return float(config.fraction) * size * equity / (entry * (1 + config.taker_rate))
    if config.sizing == "quote":
        return float(config.quote_amount) * size / entry
    return float(config.quantity) * size


def stop_level(side, entry, best, sl, trail):
    """The tighter of the fixed and the trailing stop, and the exit it names."""
    fixed = entry * (1 - side * sl) if sl else None
    trailing = best * (1 - side * trail) if trail else None
    if trailing is not None and (fixed is None or side * (trailing - fixed) > 0):
        return trailing, "trailing_stop"
    return fixed, "stop_loss"


def reference_backtest(candles, targets, config):
    slip, taker, maker = config.slippage_rate, config.taker_rate, config.maker_rate
    sl = float(config.stop_loss_pct) / 100 if config.stop_loss_pct else None
    tp = float(config.take_profit_pct) / 100 if config.take_profit_pct else None
    trail = float(config.trailing_stop_pct) / 100 if config.trailing_stop_pct else None
    equity, trades, curve, held, position = float(config.initial_cash), [], [], 0.0, None

    def close(bar, price, fee_rate, reason):
        nonlocal equity, position
        side, qty, entry, entry_fee, entry_bar, _ = position
        pnl = side * qty * (price - entry) - entry_fee - qty * price * fee_rate
        trades.append((entry_bar, bar, side, entry, price, qty, pnl, reason))
        equity += pnl
        position = None

    for t in range(len(candles)):
        o, h, lo, c = candles.open[t], candles.high[t], candles.low[t], candles.close[t]
        want = targets[t - 1] if t else 0.0
        want = want if config.allow_short else max(want, 0.0)
        if want != held:
            if position:
                close(t, o * (1 - position[0] * slip), taker, "signal")
            if want and equity > 0:
                side = 1.0 if want > 0 else -1.0
                entry = o * (1 + side * slip)
                qty = entry_quantity(config, abs(want), equity, entry)
                position = [side, qty, entry, qty * entry * taker, t, entry]  # last: best price so far
            held = want
        if position:
            side, entry, best = position[0], position[2], position[5]
            stop, stop_reason = stop_level(side, entry, best, sl, trail)
            target = entry * (1 + side * tp) if tp else None
            stop_hit = stop is not None and (lo <= stop if side > 0 else h >= stop)
            target_hit = target is not None and (h >= target if side > 0 else lo <= target)
            target_gap = target_hit and (o >= target if side > 0 else o <= target)
            if stop_hit and not target_gap:
                gap = o <= stop if side > 0 else o >= stop
                close(t, (o if gap else stop) * (1 - side * slip), taker, stop_reason)
            elif target_hit:
                close(t, o if target_gap else target, maker, "take_profit")
            else:  # the trailing stop follows this bar's extreme from the next bar on
                position[5] = max(best, h) if side > 0 else min(best, lo)
        if position and t == len(candles) - 1:
            close(t, c * (1 - position[0] * slip), taker, "end_of_data")
        if position:
            side, qty, entry, entry_fee, _, _ = position
            curve.append(equity - entry_fee + side * qty * (c - entry))
        else:
            curve.append(equity)
    return trades, np.array(curve)


CONFIGS = {
    "plain": {},
    "fees_and_slippage": {"taker_fee_bps": Decimal(7), "maker_fee_bps": Decimal(2), "slippage_bps": Decimal(3)},
    "stops": {"stop_loss_pct": Decimal("1.5"), "take_profit_pct": Decimal(2), "taker_fee_bps": Decimal(5)},
    "long_only_quantity": {
        "allow_short": False,
        "sizing": "quantity",
        "quantity": Decimal(3),
        "stop_loss_pct": Decimal(1),
    },
    "half_fraction": {"fraction": Decimal("0.5"), "take_profit_pct": Decimal(1), "slippage_bps": Decimal(10)},
    "quote_trailing": {
        "sizing": "quote",
        "quote_amount": Decimal(2500),
        "trailing_stop_pct": Decimal("1.2"),
        "taker_fee_bps": Decimal(4),
    },
    "trailing_under_fixed_stop": {
        "stop_loss_pct": Decimal("0.6"),
        "trailing_stop_pct": Decimal(1),
        "take_profit_pct": Decimal(3),
        "slippage_bps": Decimal(2),
    },
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", CONFIGS)
def test_core_bar_loop_matches_the_python_bar_by_bar_loop(name, seed):
    # Arrange: random targets held for random stretches, fractional sizes included.
    rng = np.random.default_rng(seed)
    candles = CandleStubs.random_walk(1_500, seed=seed, volatility=0.006)
    levels = rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=200)
    targets = np.repeat(levels, rng.integers(1, 15, size=200))[: len(candles)]
    targets = np.pad(targets, (0, len(candles) - targets.shape[0]))
    config = BacktestConfig(**CONFIGS[name])

    # Act
    result = run_backtest(candles, ScriptedStrategy(targets), {}, config)

    # Assert
    expected_trades, expected_curve = reference_backtest(candles, targets, config)
    log = result.trade_log
    got = list(
        zip(
            log.fills.entry_bar,
            log.fills.exit_bar,
            log.fills.side,
            log.fills.entry_price,
            log.fills.exit_price,
            log.quantity,
            log.pnl,
            [t.exit_reason for t in result.trades],
            strict=True,
        )
    )
    assert len(got) == len(expected_trades) > 20
    for actual, expected in zip(got, expected_trades, strict=True):
        assert actual[:3] == expected[:3]
        assert actual[3:7] == pytest.approx(expected[3:7], rel=1e-9)
        assert actual[7] == expected[7]
    np.testing.assert_allclose(result.equity, expected_curve, rtol=1e-9)
