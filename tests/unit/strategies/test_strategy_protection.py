"""A strategy's stop-loss, take-profit and trailing stop travel from its config, through each
signal it makes, into the order that opens a position (and not into one that only reduces it)."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest

from fks.errors import BadRequest
from fks.execution import Protection
from fks.market_data.timeframes import HOUR_MS, MINUTE_MS
from fks.pipeline.orders import order_for_signal
from fks.signals import parse_signal
from fks.strategies import Candles
from fks.strategies.configs import StrategyConfig, StrategyUpdate
from fks.strategies.scheduled import evaluate_due
from tests.stubs import SignalStubs
from tests.unit.backtest.stubs import CandleStubs

T0 = 1_704_067_200_000
BASE = {"strategy_id": "sma-h", "strategy": "sma_cross", "symbol": "BTC/USDT", "params": {"fast": 3, "slow": 8}}


def _hours(bars: int = 300) -> Candles:
    waves = CandleStubs.waves(bars)
    return Candles(
        T0 + HOUR_MS * np.arange(bars, dtype=np.int64),
        *(getattr(waves, c) for c in ("open", "high", "low", "close", "volume")),
    )


def test_config_takes_the_backtesters_exit_parameters() -> None:
    config = StrategyConfig.model_validate({**BASE, "stop_loss_pct": "2", "take_profit_pct": "4"})

    assert config.protection == Protection(stop_loss_pct=Decimal(2), take_profit_pct=Decimal(4))


def test_config_without_exits_has_no_protection() -> None:
    assert StrategyConfig.model_validate(BASE).protection is None


@pytest.mark.parametrize("fields", [{"stop_loss_pct": "100"}, {"trailing_stop_pct": "0"}, {"take_profit_pct": "1e3"}])
def test_config_refuses_exits_the_backtester_refuses(fields: dict[str, str]) -> None:
    with pytest.raises((BadRequest, ValueError)):
        StrategyConfig.model_validate({**BASE, **fields})


def test_update_sets_a_trailing_stop_and_keeps_the_stop_loss() -> None:
    config = StrategyConfig.model_validate({**BASE, "stop_loss_pct": "2"})

    updated = StrategyUpdate(trailing_stop_pct=Decimal("1.5")).apply(config)

    assert updated.protection == Protection(stop_loss_pct=Decimal(2), trailing_stop_pct=Decimal("1.5"))


def test_every_scheduled_signal_carries_the_strategys_exits() -> None:
    config = StrategyConfig.model_validate({**BASE, "stop_loss_pct": "2", "trailing_stop_pct": "1"})
    candles = _hours()
    bars = [int(t) for t in candles.open_time[200:260]]

    evaluation = evaluate_due(config, candles, bars, bars[-1] + HOUR_MS + MINUTE_MS)

    signals = [o.signal for o in evaluation.bars if o.signal is not None]
    assert signals, "the waves stub crosses the averages within 60 hours"
    assert {s.protection for s in signals} == {config.protection}


def test_order_that_opens_a_position_carries_the_signals_exits_to_the_engine() -> None:
    signal = parse_signal(SignalStubs.market_buy(protection={"stop_loss_pct": "2", "take_profit_pct": "4"}))

    order = json.loads(order_for_signal(signal, "binance-spot").model_dump_json(exclude_none=True))

    assert order["protection"] == {"stop_loss_pct": "2", "take_profit_pct": "4"}


def test_order_that_only_reduces_a_position_carries_no_exits() -> None:
    signal = parse_signal(SignalStubs.market_buy(side="sell", protection={"stop_loss_pct": "2"}))

    order = order_for_signal(signal, "binance-spot", opens=False)

    assert order.protection is None
