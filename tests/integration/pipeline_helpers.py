"""Helpers for the signal-pipeline tests: markets with prices, signals run through the machine."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from fks.signals import parse_signal
from fks_adapters.pipeline.executions import SignalPipeline
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_app.signal_recording import Outcome, SignalRecorder
from tests.integration.market_data_helpers import enable, invoke
from tests.stack_handle import StackHandle
from tests.stubs import SignalStubs


def priced_markets(stack: StackHandle, *symbols: str) -> None:
    """Enable the symbols and collect once, so the risk check finds recent closes."""
    for symbol in symbols:
        assert enable(stack, symbol).status_code == 200
    invoke(stack, "CollectOhlcvFunction", {})


def new_signal(**overrides: Any) -> dict[str, Any]:
    return SignalStubs.market_buy(f"sig-{uuid.uuid4().hex[:12]}", **{"quantity": "0.001", **overrides})


def start(stack: StackHandle, signal: dict[str, Any]) -> str:
    sfn = stack.clients("stepfunctions")
    execution = sfn.start_execution(
        stateMachineArn=stack.output("SignalStateMachineArn"), name=signal["signal_id"], input=json.dumps(signal)
    )
    return str(execution["executionArn"])


def recorder(stack: StackHandle) -> SignalRecorder:
    """What generate_signals and a rebalance hand a new signal to: its record, then its execution."""
    history = SignalHistory(stack.function("SignalsTable"), stack.clients("dynamodb"))
    pipeline = SignalPipeline(stack.output("SignalStateMachineArn"), stack.clients("stepfunctions"))
    return SignalRecorder(history, pipeline)


def record(stack: StackHandle, signal: dict[str, Any]) -> Outcome:
    return recorder(stack).record(parse_signal(signal), int(time.time() * 1000))


def run(stack: StackHandle, signal: dict[str, Any]) -> dict[str, Any]:
    return stack.wait_for_execution(start(stack, signal))


def entered_states(stack: StackHandle, execution_arn: str) -> list[str]:
    events = stack.clients("stepfunctions").get_execution_history(executionArn=execution_arn, maxResults=1000)
    return [e["stateEnteredEventDetails"]["name"] for e in events["events"] if "stateEnteredEventDetails" in e]


def signal_record(stack: StackHandle, signal_id: str) -> dict[str, Any]:
    response = stack.api("GET", f"/signals/{signal_id}", scope="read")
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()["signal"]
    return record


def wait_for_status(stack: StackHandle, signal_id: str, status: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    record: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = stack.api("GET", f"/signals/{signal_id}", scope="read")
        if response.status_code == 200:
            record = response.json()["signal"]
            if record.get("status") == status:
                return record
        time.sleep(0.25)
    raise AssertionError(f"signal {signal_id} never reached {status}; last seen {record}")
