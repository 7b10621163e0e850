"""The pipeline states' inputs: what the state machine sends parses; anything else is a 400 naming it."""

from __future__ import annotations

import pytest

from fks.errors import BadRequest
from fks.pipeline.task_inputs import ApprovalRequestInput, NotifyInput, RecordFillInput, parse_task_input


def test_the_approval_state_input_parses() -> None:
    event = {"signal_id": "sig-1", "task_token": "t", "signal": {"symbol": "BTC/USDT"}, "order": None}

    task = parse_task_input(ApprovalRequestInput, {**event, "approval_window_s": 60}, "WaitForApproval")

    assert (task.signal_id, task.task_token, task.approval_window_s) == ("sig-1", "t", 60)


def test_a_missing_task_token_is_a_bad_request_naming_it() -> None:
    with pytest.raises(BadRequest, match="task_token: Field required"):
        parse_task_input(ApprovalRequestInput, {"signal_id": "sig-1"}, "WaitForApproval")


def test_a_report_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(BadRequest, match="invalid RecordFill input: report"):
        parse_task_input(RecordFillInput, {"signal_id": "sig-1", "report": "filled"}, "RecordFill")


def test_a_field_the_state_machine_never_sends_is_refused() -> None:
    with pytest.raises(BadRequest, match="statuss: Extra inputs are not permitted"):
        parse_task_input(NotifyInput, {"signal_id": "sig-1", "statuss": "filled"}, "Notify")


def test_an_empty_signal_id_is_refused() -> None:
    with pytest.raises(BadRequest, match="signal_id"):
        parse_task_input(NotifyInput, {"signal_id": ""}, "Notify")
