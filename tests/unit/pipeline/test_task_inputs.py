"""The pipeline states' inputs: what the state machine sends parses; anything else is a 400 naming it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fks.errors import BadRequest
from fks.pipeline.task_inputs import (
    ApprovalRequestInput,
    NotifyInput,
    RiskCheckInput,
    UpdatePortfolioInput,
    parse_task_input,
)


def test_the_approval_state_input_parses() -> None:
    event = {"signal_id": "sig-1", "task_token": "t", "signal": SIGNAL, "order": None}

    task = parse_task_input(ApprovalRequestInput, {**event, "approval_window_s": 60}, "WaitForApproval")

    assert (task.signal_id, task.task_token, task.approval_window_s) == ("sig-1", "t", 60)


def test_a_missing_task_token_is_a_bad_request_naming_it() -> None:
    with pytest.raises(BadRequest, match="task_token: Field required"):
        parse_task_input(ApprovalRequestInput, {"signal_id": "sig-1"}, "WaitForApproval")


def test_a_report_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(BadRequest, match="invalid UpdatePortfolio input: report"):
        parse_task_input(
            UpdatePortfolioInput, {"signal_id": "sig-1", "signal": SIGNAL, "report": "filled"}, "UpdatePortfolio"
        )


def test_a_field_the_state_machine_never_sends_is_refused() -> None:
    with pytest.raises(BadRequest, match="statuss: Extra inputs are not permitted"):
        parse_task_input(NotifyInput, {"signal_id": "sig-1", "statuss": "filled"}, "Notify")


def test_an_empty_signal_id_is_refused() -> None:
    with pytest.raises(BadRequest, match="signal_id"):
        parse_task_input(NotifyInput, {"signal_id": ""}, "Notify")


SIGNAL = {
    "signal_id": "sig-1",
    "strategy_id": "s1",
    "exchange": "binance",
    "symbol": "BTC/USDT",
    "side": "buy",
    "quantity": "0.001",
    "timeframe": "1m",
    "bar_time": 1_767_225_600_000,
}


def test_the_risk_check_input_carries_a_parsed_signal() -> None:
    task = parse_task_input(RiskCheckInput, {"signal_id": "sig-1", "signal": SIGNAL}, "RiskCheck")

    assert task.signal.quantity == Decimal("0.001")


def test_a_risk_check_without_its_signal_names_the_field() -> None:
    with pytest.raises(BadRequest, match="invalid RiskCheck input: signal: Field required"):
        parse_task_input(RiskCheckInput, {"signal_id": "sig-1"}, "RiskCheck")


def test_a_bad_quantity_in_the_signal_is_named_by_its_path() -> None:
    signal = {**SIGNAL, "quantity": "1_000"}

    with pytest.raises(BadRequest, match=r"signal\.quantity"):
        parse_task_input(
            UpdatePortfolioInput, {"signal_id": "sig-1", "signal": signal, "report": {}}, "UpdatePortfolio"
        )
