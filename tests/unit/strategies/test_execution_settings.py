"""One configuration: a strategy's sizing, costs, direction and exits, as backtests and live use them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
from pydantic import ValidationError

from fks.backtest import run_backtest
from fks.backtest.requests import BacktestRequest
from fks.errors import BadRequest
from fks.market_data.timeframes import HOUR_MS
from fks.signals import Side, Signal
from fks.strategies import Candles, get_strategy
from fks.strategies.configs import StrategyConfig, StrategyUpdate
from fks.strategies.execution_settings import ExecutionSettings, backtest_config
from fks.strategies.scheduled import evaluate_due, lookback_bars
from fks.venue_fees import VENUE_FEES
from tests.unit.backtest.stubs import CandleStubs

T0 = 1_704_067_200_000
BASE = {"strategy_id": "s1", "strategy": "sma_cross", "symbol": "BTC/USDT", "params": {"fast": 3, "slow": 8}}


def _hours(bars: int = 300) -> Candles:
    waves = CandleStubs.waves(bars)
    return Candles(
        T0 + HOUR_MS * np.arange(bars, dtype=np.int64),
        *(getattr(waves, c) for c in ("open", "high", "low", "close", "volume")),
    )


def test_fees_default_to_the_venues_schedule_not_zero() -> None:
    for venue, schedule in VENUE_FEES.items():
        assert ExecutionSettings().fees_bps(venue) == (schedule.maker_bps, schedule.taker_bps)
    assert ExecutionSettings(taker_fee_bps=Decimal(3)).fees_bps("kraken") == (Decimal(25), Decimal(3))


def test_a_venue_without_a_schedule_needs_the_fees_named() -> None:
    with pytest.raises(BadRequest, match="no fee schedule"):
        ExecutionSettings().fees_bps("okx")
    assert ExecutionSettings(maker_fee_bps=Decimal(1), taker_fee_bps=Decimal(2)).fees_bps("okx") == (
        Decimal(1),
        Decimal(2),
    )


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"sizing": "quote"}, "quote_amount"),
        ({"sizing": "fraction"}, "fraction"),
        ({"fraction": "1.5", "sizing": "fraction"}, "fraction"),
        ({"slippage_bps": "-1"}, "slippage_bps"),
        ({"taker_fee_bps": "2000"}, "taker_fee_bps"),
        ({"trailing_stop_pct": "100"}, "trailing_stop_pct"),
        ({"leverage": 3}, "leverage"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(fields: dict[str, object], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        StrategyConfig.model_validate({**BASE, **fields})


@dataclass
class _Market:
    """The lot step and account equity a live order is sized with (fks.strategies.live_sizing)."""

    step: Decimal
    cash: Decimal

    def lot_step(self, exchange: str, symbol: str) -> Decimal | None:
        return self.step

    def equity(self, exchange: str) -> Decimal:
        return self.cash


def _live_and_backtest(config: StrategyConfig, market: _Market) -> tuple[list[Signal], list[tuple[int, str, Decimal]]]:
    """Live signals over the waves and the backtest's fills, each at the bar whose close decided it."""
    candles = _hours()
    bars = [int(t) for t in candles.open_time[10:290]]
    signals = [o.signal for o in evaluate_due(config, candles, bars, bars[-1] + 2 * HOUR_MS, None, market).bars]
    extra: dict[str, object] = {"quantity_step": str(market.step), "initial_cash": str(market.cash)}
    result = run_backtest(candles, get_strategy("sma_cross"), config.params, backtest_config(config, "binance", extra))
    fills = [(t.entry_time - HOUR_MS, "buy", t.quantity) for t in result.trades] + [
        (t.exit_time - HOUR_MS, "sell", t.quantity) for t in result.trades if t.exit_reason == "signal"
    ]
    return [s for s in signals if s is not None], sorted(f for f in fills if f[0] >= bars[0])


def test_an_active_strategy_sized_by_quote_amount_trades_the_backtests_quantities() -> None:
    config = StrategyConfig.model_validate({**BASE, "sizing": "quote", "quote_amount": "250", "active": True})

    signals, fills = _live_and_backtest(config, _Market(Decimal("0.001"), Decimal(10_000)))

    assert [(s.bar_time, s.side.value, s.quantity) for s in signals] == fills
    assert len({s.quantity for s in signals}) > 1  # sized at each signal's close, not one quantity
    assert all(s.quantity % Decimal("0.001") == 0 for s in signals)  # on the lot step


def test_an_active_strategy_sized_by_equity_fraction_enters_as_the_backtest_does() -> None:
    config = StrategyConfig.model_validate({**BASE, "sizing": "fraction", "fraction": "0.5", "active": True})

    signals, fills = _live_and_backtest(config, _Market(Decimal("0.0001"), Decimal(10_000)))

    # The first entry, with the account's equity still the backtest's initial cash; its exit sells
    # what the entry bought.
    assert [(s.bar_time, s.side.value, s.quantity) for s in signals[:2]] == fills[:2]
    assert signals[1].quantity == signals[0].quantity


def test_an_update_changes_the_settings_and_keeps_the_rest() -> None:
    current = StrategyConfig.model_validate({**BASE, "stop_loss_pct": "2"})
    updated = StrategyUpdate(allow_short=True, slippage_bps=Decimal(0)).apply(current)
    assert (updated.allow_short, updated.slippage_bps, updated.stop_loss_pct) == (True, Decimal(0), Decimal(2))


def test_the_strategys_settings_are_the_backtests_config() -> None:
    settings = StrategyConfig.model_validate(
        {**BASE, "exchange": "kraken", "quantity": "0.5", "stop_loss_pct": "2", "take_profit_pct": "4"}
    ).settings()
    config = backtest_config(settings, "kraken", {"initial_cash": "5000"})
    assert (config.sizing, config.quantity, config.initial_cash) == ("quantity", Decimal("0.5"), Decimal(5000))
    assert (config.maker_fee_bps, config.taker_fee_bps, config.slippage_bps) == (Decimal(25), Decimal(40), Decimal(5))
    assert (config.allow_short, config.stop_loss_pct, config.take_profit_pct) == (False, Decimal(2), Decimal(4))


def test_a_backtest_request_with_settings_takes_only_simulation_knobs_in_config() -> None:
    request = {"symbol": "BTC/USDT", "start_ms": 0, "end_ms": 1, "strategy": "sma_cross"}
    with pytest.raises(BadRequest, match=r"config\.taker_fee_bps"):
        BacktestRequest.model_validate({**request, "execution": {}, "config": {"taker_fee_bps": 0}}).resolved()
    _, _, plain = BacktestRequest.model_validate(request).resolved()
    assert (plain.maker_fee_bps, plain.taker_fee_bps) == (Decimal(10), Decimal(10))  # the venue's, not zero


def test_live_signals_trade_what_the_backtest_trades() -> None:
    """Long-only by default: the backtest's entries and exits are the signals, sized the same."""
    candles = _hours()
    config = StrategyConfig.model_validate({**BASE, "quantity": "0.25"})
    bars = [int(t) for t in candles.open_time[10:290]]
    outcome = evaluate_due(config, candles, bars, now_ms=bars[-1] + 2 * HOUR_MS)
    signals = [o.signal for o in outcome.bars if o.signal is not None]
    result = run_backtest(
        candles, get_strategy("sma_cross"), config.params, backtest_config(config.settings(), "binance")
    )
    # The backtest fills a bar's signal at the next bar's open.
    fills = sorted(
        [(t.entry_time - HOUR_MS, "buy") for t in result.trades]
        + [(t.exit_time - HOUR_MS, "sell") for t in result.trades if t.exit_reason == "signal"]
    )
    assert {t.side for t in result.trades} == {"long"}
    assert [(s.bar_time, s.side.value) for s in signals] == [(t, side) for t, side in fills if t >= bars[0]]
    assert {s.quantity for s in signals} == {t.quantity for t in result.trades} == {Decimal("0.25")}
    assert signals[0].side is Side.BUY  # never a short from flat


def test_long_short_reverses_with_twice_the_quantity() -> None:
    candles = _hours()
    config = StrategyConfig.model_validate({**BASE, "allow_short": True})
    bars = [int(t) for t in candles.open_time[10:290]]
    signals = [o.signal for o in evaluate_due(config, candles, bars, now_ms=bars[-1] + 2 * HOUR_MS).bars if o.signal]
    assert {s.quantity for s in signals[1:]} == {Decimal("0.002")}


def test_quote_sizing_and_a_trailing_stop_reach_the_backtest() -> None:
    settings = ExecutionSettings(sizing="quote", quote_amount=Decimal(250), trailing_stop_pct=Decimal("1.5"))
    config = backtest_config(settings, "coinbase")
    assert (config.sizing, config.quote_amount, config.trailing_stop_pct) == ("quote", Decimal(250), Decimal("1.5"))
    assert (config.maker_fee_bps, config.taker_fee_bps) == (Decimal(60), Decimal(120))


@pytest.mark.parametrize("strategy", ["ema_cross", "macd"])
def test_a_recursive_indicator_judged_on_its_lookback_window_signals_as_on_the_whole_history(strategy: str) -> None:
    """An EMA remembers its seed: live reads enough bars that where its window starts no longer shows."""
    candles = _hours(1500)
    config = StrategyConfig.model_validate({**BASE, "strategy": strategy, "params": {}})
    lookback = lookback_bars(config)
    whole = np.maximum(get_strategy(strategy).target_positions(candles, config.params), 0.0)
    for index in range(lookback, len(candles)):
        window = candles.window(index + 1 - lookback, index + 1)
        bar = int(candles.open_time[index])
        live = evaluate_due(config, window, [bar], now_ms=bar + HOUR_MS).bars[0].signal is not None
        assert live == bool(whole[index] != whole[index - 1]), f"bar {index}"
