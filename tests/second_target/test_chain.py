"""The integration tier's chain on the second target, against the stack ``sam deploy`` put into
MiniStack: candles collected from the simulator through the real ccxt client, the collection
starting generate_signals itself, a strategy's bars judged by generate_signals until it sends a
signal and starting its execution, every state (the Rust execute_order
filling the order on the simulator), and the order, position, book and history read back through
the REST API and its authorizer.

It is the flow of tests/integration/test_pipeline_end_to_end.py with one more wait: collection
starts generate_signals asynchronously (for the current minute), and MiniStack may run it only
after the test has made its strategy; that run would then judge the newest bar first and the
replay below would find it judged. So the test waits for that run to end before it makes the
strategy.
"""

from __future__ import annotations

import time
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

pytestmark = pytest.mark.second_target
MINUTE = 60_000


def _finished_runs(stack: StackHandle, logical_id: str) -> int:
    """How many invocations of the function have ended (their REPORT lines in its log group)."""
    group = f"/aws/lambda/{stack.function(logical_id)}"
    logs = stack.clients("logs")
    try:
        events = logs.filter_log_events(logGroupName=group, filterPattern="REPORT")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return 0
    return len(events)


def _wait_for_runs(stack: StackHandle, logical_id: str, count: int, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while _finished_runs(stack, logical_id) < count:
        assert time.monotonic() < deadline, f"{logical_id} did not finish {count} run(s) in {timeout_s}s"
        time.sleep(0.5)


def test_candles_to_signal_to_fill_to_portfolio(local_stack: StackHandle, aws_env: None) -> None:
    before = _finished_runs(local_stack, "GenerateSignalsFunction")
    priced_markets(local_stack, "BTC/USDT")  # 1m candles arrive through the real ccxt client
    # The collection stored new candles, so it started generate_signals itself (asynchronously).
    _wait_for_runs(local_stack, "GenerateSignalsFunction", before + 1)
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

    record = wait_for_status(local_stack, signal_id, "completed", timeout_s=240)
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
