"""The whole flow on the local stack: candles arrive from the simulator, a strategy turns them
into a signal, the signal goes through every state of the pipeline, the order fills on the
simulator, and the position, the portfolio and the signal's history show each step."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest

from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe
from fks.strategies import get_strategy
from fks.strategies.configs import StrategyConfig
from fks.strategies.live import evaluate
from fks_adapters.strategies.backtests import load_candles_frame
from tests.integration.market_data_helpers import invoke, store
from tests.integration.pipeline_helpers import priced_markets, wait_for_status
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
MINUTE = 60_000


def test_candles_to_signal_to_fill_to_portfolio(local_stack: StackHandle, aws_env: None) -> None:
    priced_markets(local_stack, "BTC/USDT")  # candles arrive through the real ccxt client
    config = StrategyConfig(
        strategy_id=f"e2e-{uuid.uuid4().hex[:8]}",
        strategy="sma_cross",
        symbol="BTC/USDT",
        timeframe=Timeframe.M1,
        params={"fast": 3, "slow": 8},
        quantity=Decimal("0.002"),
        active=True,
    )
    # The newest bar whose close changed the strategy's target: "now" is just after it closed.
    now = int(time.time() * 1000)
    frame = store(local_stack).read(SeriesKey.of("binance", "BTC/USDT", "1m"), now - 180 * MINUTE, now)
    candles = load_candles_frame(frame)
    targets = get_strategy("sma_cross").target_positions(candles, config.params)
    change_bar = int((targets[1:] != targets[:-1]).nonzero()[0][-1]) + 1
    expected = evaluate(config, candles.head(change_bar + 1))
    assert expected is not None
    created = local_stack.api("POST", "/strategies", json=config.model_dump(mode="json"))
    assert created.status_code == 201, created.text
    try:
        generated = invoke(
            local_stack, "GenerateSignalsFunction", {"now_ms": int(candles.open_time[change_bar]) + MINUTE}
        )
    finally:
        local_stack.api("POST", f"/strategies/{config.strategy_id}/deactivate")
    assert generated["outcomes"][config.strategy_id] == "sent"

    # The signal-events queue starts the execution; every state runs.
    record = wait_for_status(local_stack, expected.signal_id, "completed", timeout_s=120)
    assert local_stack.wait_for_execution(record["execution_arn"])["status"] == "SUCCEEDED"

    path = [
        step["state"] for step in local_stack.api("GET", f"/signals/{expected.signal_id}").json()["execution"]["states"]
    ]
    assert path[:3] == ["ValidateSignal", "RiskCheck", "NeedsApproval"]
    assert path[-4:] == ["RecordOutcome", "Notify", "Finish", "Done"]
    assert {"ExecuteOrder", "RecordFill", "UpdatePortfolio"} <= set(path)
    report = record["report"]
    assert report["status"] == "filled"
    assert Decimal(report["filled_qty"]) == Decimal("0.002")
    order = local_stack.api("GET", f"/orders/{report['client_order_id']}").json()["order"]
    assert order["status"] == "filled"
    position = local_stack.api("GET", "/positions/BTCUSDT").json()["position"]
    assert Decimal(position["quantity"]) == Decimal(report["position"]["quantity"])
    portfolio = local_stack.api("GET", "/portfolio").json()
    book = next(s for s in portfolio["strategies"] if s["strategy_id"] == config.strategy_id)["books"][0]
    signed = Decimal("0.002") if expected.side.value == "buy" else Decimal("-0.002")
    assert Decimal(book["quantity"]) == signed
    history = local_stack.api("GET", "/portfolio/history").json()["snapshots"]
    assert history
    assert history[-1]["time_ms"] >= record["created_ms"]
