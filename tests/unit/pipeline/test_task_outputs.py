"""The pipeline states' typed hand-offs: the execution report and the outcome parse into models
(a wrong field is a 400 naming its path), and each state's answer is the JSON the state machine
reads (decimals as strings, the status vocabulary of fks.pipeline.outcomes)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fks.errors import BadRequest
from fks.pipeline.outcomes import SignalStatus
from fks.pipeline.task_inputs import RecordOutcomeInput, UpdatePortfolioInput, parse_task_input
from fks.pipeline.task_outputs import OutcomeRecorded, PortfolioUpdated, RiskResult

PINNED = Path(__file__).parents[3] / "rust_lambda/crates/fks_execution_core/tests/fixtures/execution_report.json"


def _report() -> dict[str, Any]:
    report: dict[str, Any] = json.loads(PINNED.read_text())
    return report


def _booking(report: dict[str, Any]) -> dict[str, Any]:
    signal = {
        "signal_id": "sig-42",
        "strategy_id": "s1",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "side": "buy",
        "quantity": "0.01",
        "timeframe": "1m",
        "bar_time": 1_767_225_600_000,
    }
    return {"signal_id": "sig-42", "signal": signal, "report": report}


def test_update_portfolio_reads_the_engines_report_as_decimals() -> None:
    task = parse_task_input(UpdatePortfolioInput, _booking(_report()), "UpdatePortfolio")

    assert task.report.filled_qty == Decimal("0.01000")
    assert task.report.fills[0].price == Decimal("64990.00")


def test_a_report_without_its_filled_quantity_names_the_path() -> None:
    report = _report()
    del report["filled_qty"]

    with pytest.raises(BadRequest, match=r"report\.filled_qty: Field required"):
        parse_task_input(UpdatePortfolioInput, _booking(report), "UpdatePortfolio")


def test_an_outcome_with_a_caught_error_parses() -> None:
    caught = {"Error": "RiskDenied", "Cause": '{"errorMessage": "max_order_notional"}'}
    event = {"signal_id": "s", "execution_arn": None, "outcome": {"status": "denied", "error": caught}}

    outcome = parse_task_input(RecordOutcomeInput, event, "RecordOutcome").outcome

    assert outcome.status is SignalStatus.DENIED
    assert outcome.error is not None
    assert (outcome.error.error, outcome.reason) == ("RiskDenied", None)


def test_an_unknown_outcome_status_is_a_bad_request_naming_it() -> None:
    with pytest.raises(BadRequest, match=r"outcome\.status"):
        parse_task_input(RecordOutcomeInput, {"signal_id": "s", "outcome": {"status": "done"}}, "RecordOutcome")


def test_state_results_are_the_json_the_state_machine_reads() -> None:
    portfolio = PortfolioUpdated(
        status=SignalStatus.FILLED,
        order_status="filled",
        filled_qty=Decimal("0.01000"),
        account="a",
        fills_booked=1,
        equity=Decimal("10000.50"),
        cash=Decimal("9350.00"),
    )

    assert portfolio.state_result() == {
        "status": "filled",
        "order_status": "filled",
        "filled_qty": "0.01000",
        "account": "a",
        "fills_booked": 1,
        "equity": "10000.50",
        "cash": "9350.00",
    }
    assert OutcomeRecorded(signal_id="s", status=SignalStatus.FAILED).state_result() == {
        "signal_id": "s",
        "status": "failed",
        "reason": None,
    }


def test_a_risk_result_routes_only_where_the_state_machine_can() -> None:
    with pytest.raises(ValidationError, match="route"):
        RiskResult(route="fax", account="a", checks=[])
