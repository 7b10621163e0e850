"""The whole flow on the local stack: candles arrive from the simulator, the scheduled
generate_signals turns them into a signal, the signal goes through every state of the pipeline,
the order fills on the simulator, and the position, the portfolio and the signal's history show
each step."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe
from fks.strategies.configs import StrategyConfig
from tests.integration.market_data_helpers import invoke, store
from tests.integration.pipeline_helpers import priced_markets, wait_for_status
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
MINUTE = 60_000


def test_candles_to_signal_to_fill_to_portfolio(local_stack: StackHandle, aws_env: None) -> None:
    priced_markets(local_stack, "BTC/USDT")  # 1m candles arrive through the real ccxt client
    # Collection started generate_signals for the minutes it stored: let that run finish first, or
    # it may judge the newest bar for the strategy made below before the replay reaches it.
    local_stack.wait_for_event_invocations()
    config = StrategyConfig(
        strategy_id=f"e2e-{uuid.uuid4().hex[:8]}",
        strategy="sma_cross",
        symbol="BTC/USDT",
        timeframe=Timeframe.M1,
        params={"fast": 3, "slow": 8},
        quantity=Decimal("0.002"),
        active=True,
    )
    created = local_stack.api("POST", "/strategies", json=config.model_dump(mode="json"))
    assert created.status_code == 201, created.text
    # The scheduled generate_signals replayed over the minutes collection just stored, each run
    # just after one more minute closed, until the strategy's target changes and it sends a signal.
    newest = store(local_stack).latest_open_time(SeriesKey.of("binance", "BTC/USDT", "1m"))
    assert newest is not None
    sent: dict[str, Any] | None = None
    try:
        for bar in range(newest - 40 * MINUTE, newest + MINUTE, MINUTE):
            run = invoke(local_stack, "GenerateSignalsFunction", {"now_ms": bar + MINUTE + 1_000})
            report = run["evaluations"][config.strategy_id]
            assert report["bars"] == [bar]  # once per closed minute
            sent = next((s for s in report["signals"] if s["outcome"] == "sent"), None)
            if sent is not None:
                break
    finally:
        local_stack.api("POST", f"/strategies/{config.strategy_id}/deactivate")
    assert sent is not None, "sma 3/8 crosses within 40 minutes of the simulator's candles"
    signal_id = sent["signal_id"]

    # generate_signals started the execution, named by the signal id; every state runs.
    record = wait_for_status(local_stack, signal_id, "completed", timeout_s=120)
    assert local_stack.wait_for_execution(record["execution_arn"])["status"] == "SUCCEEDED"

    path = [step["state"] for step in local_stack.api("GET", f"/signals/{signal_id}").json()["execution"]["states"]]
    assert path[:3] == ["ValidateSignal", "RiskCheck", "NeedsApproval"]
    assert path[-4:] == ["RecordOutcome", "Notify", "Finish", "Done"]
    assert {"ExecuteOrder", "UpdatePortfolio"} <= set(path)
    report = record["report"]
    assert report["status"] == "filled"
    assert Decimal(report["filled_qty"]) == Decimal("0.002")
    order = local_stack.api("GET", f"/orders/{report['client_order_id']}").json()["order"]
    assert order["status"] == "filled"
    position = local_stack.api("GET", "/positions/BTCUSDT").json()["position"]
    assert Decimal(position["quantity"]) == Decimal(report["position"]["quantity"])
    portfolio = local_stack.api("GET", "/portfolio").json()
    book = next(s for s in portfolio["strategies"] if s["strategy_id"] == config.strategy_id)["books"][0]
    signed = Decimal("0.002") if sent["side"] == "buy" else Decimal("-0.002")
    assert Decimal(book["quantity"]) == signed
    history = local_stack.api("GET", "/portfolio/history").json()["snapshots"]
    assert history
    assert history[-1]["time_ms"] >= record["created_ms"]
