"""The signal-to-execution pipeline on the local stack: every path through the state machine,
with the real Rust execute_order against the exchange simulator."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from tests.integration.pipeline_helpers import (
    entered_states,
    new_signal,
    priced_markets,
    record,
    run,
    signal_record,
    start,
    wait_for_status,
)
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


@pytest.fixture(scope="module")
def markets(local_stack: StackHandle) -> StackHandle:
    priced_markets(local_stack, "BTC/USDT", "ETH/USDT")
    return local_stack


def _simulator_orders(stack: StackHandle, client_order_id: str) -> list[dict[str, Any]]:
    from fks_adapters.exchanges import make_exchange
    from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET

    exchange = make_exchange("binance", base_url=stack.exchange_url, api_key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET)
    return [o for o in exchange.fetch_orders("BTC/USDT") if o["clientOrderId"] == client_order_id]


def test_auto_signal_runs_every_state_fills_and_books_the_portfolio(markets: StackHandle) -> None:
    signal = new_signal()
    cash_before = markets.api("GET", "/portfolio", scope="read").json()["cash"]

    result = run(markets, signal)

    assert result["status"] == "SUCCEEDED", result
    states = entered_states(markets, result["executionArn"])
    for state in ("ValidateSignal", "RiskCheck", "ExecuteOrder", "UpdatePortfolio", "RecordOutcome"):
        assert state in states
    record = signal_record(markets, signal["signal_id"])
    assert record["status"] == "completed"
    assert record["report"]["status"] == "filled"
    assert [c["rule"] for c in record["checks"] if c["passed"]][:1] == ["trading_state"]
    assert len(_simulator_orders(markets, record["report"]["client_order_id"])) == 1
    notified = json.loads(result["output"])["notified"]
    assert notified["subject"] == f"FKS signal completed: {signal['signal_id']}"
    assert notified["notified"]["SnsNotifier"]  # the SNS message id
    portfolio = markets.api("GET", "/portfolio", scope="read").json()
    spent = Decimal(record["report"]["filled_qty"]) * Decimal(record["report"]["avg_fill_price"])
    assert Decimal(cash_before) - Decimal(portfolio["cash"]) >= spent


def test_order_too_big_for_the_portfolio_is_denied_naming_the_rule_and_never_placed(markets: StackHandle) -> None:
    signal = new_signal(quantity="50")  # ~ millions of USDT of BTC against 100k equity

    result = run(markets, signal)

    assert result["status"] == "SUCCEEDED"
    record = signal_record(markets, signal["signal_id"])
    assert record["status"] == "denied"
    assert "max_gross_exposure" in record["reason"] or "max_symbol_weight" in record["reason"]
    failed = [c["rule"] for c in record["checks"] if not c["passed"]]
    assert failed[:2] == ["max_gross_exposure", "max_symbol_weight"]
    assert "ExecuteOrder" not in entered_states(markets, result["executionArn"])


def test_invalid_signal_is_recorded_as_rejected_with_the_field(markets: StackHandle) -> None:
    signal = new_signal(side="hold")

    result = run(markets, signal)

    assert result["status"] == "SUCCEEDED"
    record = signal_record(markets, signal["signal_id"])
    assert record["status"] == "rejected"
    assert "side" in record["reason"]


def test_manual_signal_waits_and_is_executed_once_approved(markets: StackHandle) -> None:
    signal = new_signal(mode="manual")
    arn = start(markets, signal)
    wait_for_status(markets, signal["signal_id"], "pending_approval")
    pending = markets.api("GET", "/signals", scope="read", params={"status": "pending_approval"}).json()["signals"]
    assert signal["signal_id"] in [s["signal_id"] for s in pending if "signal_id" in s]

    response = markets.api("POST", f"/signals/{signal['signal_id']}/approve", scope="trade", json={"note": "ok"})

    assert response.status_code == 200, response.text
    result = markets.wait_for_execution(arn)
    assert result["status"] == "SUCCEEDED"
    record = signal_record(markets, signal["signal_id"])
    assert record["status"] == "completed"
    assert record["approval"]["note"] == "ok"
    assert "WaitForApproval" in entered_states(markets, arn)


def test_manual_signal_rejected_by_a_person_never_reaches_the_exchange(markets: StackHandle) -> None:
    signal = new_signal(mode="manual")
    arn = start(markets, signal)
    wait_for_status(markets, signal["signal_id"], "pending_approval")

    response = markets.api("POST", f"/signals/{signal['signal_id']}/reject", scope="trade", json={"reason": "news"})

    assert response.status_code == 200, response.text
    markets.wait_for_execution(arn)
    record = signal_record(markets, signal["signal_id"])
    assert record["status"] == "rejected"
    assert "news" in record["reason"]
    assert "ExecuteOrder" not in entered_states(markets, arn)
    again = markets.api("POST", f"/signals/{signal['signal_id']}/approve", scope="trade")
    assert again.status_code == 409


def test_manual_signal_nobody_decides_on_expires(markets: StackHandle) -> None:
    signal = new_signal(mode="manual", approval_window_s=2)

    result = run(markets, signal)

    assert result["status"] == "SUCCEEDED"
    record = signal_record(markets, signal["signal_id"])
    assert record["status"] == "expired"
    assert "approval window" in record["reason"]


def test_read_key_cannot_approve(markets: StackHandle) -> None:
    response = markets.api("POST", "/signals/whatever/approve", scope="read")

    assert response.status_code == 403
    assert "trade" in response.text


def test_exchange_outage_is_retried_and_the_order_placed_once(markets: StackHandle) -> None:
    # Binance's documented "not processed" 503: the engine releases its claim and the retry places.
    markets.simulator.inject_error("order", http_status=503, msg="Service Unavailable.", method="POST", times=1)
    signal = new_signal()

    result = run(markets, signal)

    assert result["status"] == "SUCCEEDED", result
    record = signal_record(markets, signal["signal_id"])
    assert record["status"] == "completed"
    history = markets.clients("stepfunctions").get_execution_history(executionArn=result["executionArn"])
    failures = [e for e in history["events"] if e["type"] in ("TaskFailed", "LambdaFunctionFailed")]
    assert failures, "the first attempt should have failed on the injected 503"
    assert len(_simulator_orders(markets, record["report"]["client_order_id"])) == 1


def test_futures_signal_is_routed_to_the_ninjatrader_queue(markets: StackHandle) -> None:
    signal = new_signal(symbol="ES 12-25", asset_class="futures", quantity="1", account="APEX-1")

    result = run(markets, signal)

    assert result["status"] == "SUCCEEDED", result
    assert signal_record(markets, signal["signal_id"])["status"] == "routed"
    sqs = markets.clients("sqs")
    messages = sqs.receive_message(QueueUrl=markets.output("NinjaTraderQueueUrl"), MaxNumberOfMessages=10)
    bodies = [json.loads(m["Body"]) for m in messages.get("Messages", [])]
    routed = [b for b in bodies if b.get("signal", {}).get("signal_id") == signal["signal_id"]]
    assert routed
    assert routed[0]["signal"]["symbol"] == "ES 12-25"


def test_futures_signal_over_the_prop_firm_contract_limit_is_denied(markets: StackHandle) -> None:
    over = new_signal(symbol="MES 12-25", asset_class="futures", quantity="3", account="prop-it")
    within = new_signal(symbol="MES 12-25", asset_class="futures", quantity="2", account="prop-it")

    run(markets, over)
    run(markets, within)

    denied = signal_record(markets, over["signal_id"])
    assert denied["status"] == "denied"
    assert "max_contracts" in denied["reason"]
    routed = signal_record(markets, within["signal_id"])
    assert routed["status"] == "routed"
    assert {"rule": "prop_firm", "passed": True, "detail": "custom: 0 -> 2 contracts"} in routed["checks"]


def test_the_same_signal_twice_starts_one_execution(markets: StackHandle) -> None:
    """Delivered again, and twice at once: one record, one execution, one order."""
    signal = new_signal()
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = list(pool.map(lambda _: record(markets, signal), range(2)))
    again = record(markets, signal)

    assert sorted(first) in (["duplicate", "sent"], ["resent", "sent"]), first
    record_done = wait_for_status(markets, signal["signal_id"], "completed")
    assert again in ("duplicate", "resent")
    assert record(markets, signal) == "duplicate"  # the pipeline moved it on: nothing is started
    executions = markets.clients("stepfunctions").list_executions(
        stateMachineArn=markets.output("SignalStateMachineArn")
    )["executions"]
    assert sum(1 for e in executions if e["name"] == signal["signal_id"]) == 1
    assert len(_simulator_orders(markets, record_done["report"]["client_order_id"])) == 1
