"""A Step Functions execution on the local stack runs real handlers in its Task states."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.stack_handle import StackHandle
from tests.stubs import SignalStubs

pytestmark = pytest.mark.moto_only


def _run(local_stack: StackHandle, signal: dict[str, Any]) -> dict[str, Any]:
    sfn = local_stack.clients("stepfunctions")
    execution = sfn.start_execution(
        stateMachineArn=local_stack.output("SignalStateMachineArn"), name=signal["signal_id"], input=json.dumps(signal)
    )
    return local_stack.wait_for_execution(execution["executionArn"])


def test_execution_with_valid_signal_runs_validate_task_and_succeeds(local_stack: StackHandle) -> None:
    signal = SignalStubs.market_buy(f"sig-{uuid.uuid4().hex[:12]}")

    result = _run(local_stack, signal)

    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["outcome"] == "accepted"
    # The validation result is the handler's real output: the parsed, normalised signal.
    assert output["validation"]["signal"]["signal_id"] == signal["signal_id"]
    assert output["validation"]["signal"]["mode"] == "auto"


def test_execution_with_invalid_signal_is_recorded_as_rejected_with_reason(local_stack: StackHandle) -> None:
    signal = SignalStubs.market_buy(f"sig-{uuid.uuid4().hex[:12]}", quantity="-1")

    result = _run(local_stack, signal)

    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["outcome"] == "rejected"
    assert "quantity" in output["reason"]


def test_execution_history_shows_the_task_state(local_stack: StackHandle) -> None:
    signal = SignalStubs.market_buy(f"sig-{uuid.uuid4().hex[:12]}")
    result = _run(local_stack, signal)

    events = local_stack.clients("stepfunctions").get_execution_history(executionArn=result["executionArn"])["events"]

    entered = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
    assert entered == ["ValidateSignal", "SignalAccepted"]
