"""boto3 lambda.invoke against the local stack runs the deployed function's real handler."""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.stack_handle import StackHandle
from tests.stubs import SignalStubs

pytestmark = pytest.mark.moto_only


def _invoke(local_stack: StackHandle, logical_id: str, event: object, **kwargs: object) -> tuple[dict, dict]:
    response = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function(logical_id), Payload=json.dumps(event).encode(), **kwargs
    )
    return response, json.loads(response["Payload"].read())


def test_invoke_validate_signal_when_valid_returns_handler_result(local_stack: StackHandle) -> None:
    response, body = _invoke(local_stack, "ValidateSignalFunction", SignalStubs.market_buy())

    assert "FunctionError" not in response
    assert body["valid"] is True
    assert body["signal"]["symbol"] == "BTC/USDT"
    assert body["signal"]["quantity"] == "0.01"


def test_invoke_when_handler_raises_returns_lambda_error_with_type_and_trace(local_stack: StackHandle) -> None:
    response, body = _invoke(local_stack, "ValidateSignalFunction", SignalStubs.market_buy(side="hold"))

    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "InvalidSignal"
    assert "side" in body["errorMessage"]
    assert any("validate_signal" in line or "app.py" in line for line in body["stackTrace"])


def test_invoke_with_log_tail_returns_the_invocation_logs(local_stack: StackHandle) -> None:
    response, _ = _invoke(local_stack, "ValidateSignalFunction", SignalStubs.market_buy(), LogType="Tail")

    logs = base64.b64decode(response["LogResult"]).decode()
    assert "START RequestId:" in logs
    assert "REPORT RequestId:" in logs
    assert "signal valid" in logs


def test_an_invocations_log_reaches_cloudwatch_logs_in_the_functions_log_group(local_stack: StackHandle) -> None:
    response, _ = _invoke(local_stack, "ValidateSignalFunction", SignalStubs.market_buy(), LogType="Tail")
    request_id = re.search(r"START RequestId: (\S+)", base64.b64decode(response["LogResult"]).decode())
    assert request_id is not None

    group = f"/aws/lambda/{local_stack.function('ValidateSignalFunction')}"
    events = local_stack.clients("logs").filter_log_events(logGroupName=group)["events"]
    streams = {e["logStreamName"] for e in events if f"REPORT RequestId: {request_id[1]}" in e["message"]}
    assert len(streams) == 1, "the invocation's REPORT line, in one log stream"
    lines = [e["message"] for e in events if e["logStreamName"] in streams]
    start = lines.index(f"START RequestId: {request_id[1]} Version: $LATEST")
    end = next(i for i, line in enumerate(lines) if line.startswith(f"REPORT RequestId: {request_id[1]}"))
    assert any("signal valid" in line for line in lines[start:end]), "the function's own log lines go with it"


def test_invoke_runs_handler_with_its_template_environment(local_stack: StackHandle) -> None:
    _, body = _invoke(local_stack, "MonitorFunction", {})

    # The monitor reads the bucket and table names from the environment the template gives it.
    parts = {part["part"] for part in body["parts"]}
    assert f"bucket:{local_stack.deployed.physical_id('DataBucket')}" in parts
    assert f"table:{local_stack.deployed.physical_id('AssetsTable')}" in parts
    assert body["status"] == "healthy"


def test_invoke_async_event_is_accepted(local_stack: StackHandle) -> None:
    response = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function("MonitorFunction"), InvocationType="Event", Payload=b"{}"
    )

    assert response["StatusCode"] == 202


def test_a_function_missing_a_variable_fails_its_cold_start_naming_it(local_stack: StackHandle) -> None:
    # Arrange: the outcome state without its signals table (the Lambda API's own configuration update)
    lam = local_stack.clients("lambda")
    name = local_stack.function("RecordOutcomeFunction")
    variables = lam.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    without = {key: value for key, value in variables.items() if key != "FKS_SIGNALS_TABLE"}
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": without})
    try:
        # Act
        response, body = _invoke(local_stack, "RecordOutcomeFunction", {"signal_id": "sig-none"})
    finally:
        lam.update_function_configuration(FunctionName=name, Environment={"Variables": variables})

    # Assert: the init error, naming the variable, before any event is parsed. AWS's Python runtime
    # names an error raised at import by its class (Runtime.ImportModuleError is an ImportError's).
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "SettingsError"
    assert "FKS_SIGNALS_TABLE is not set" in body["errorMessage"]
    assert any("function_settings.py" in frame for frame in body["stackTrace"])
    # Restored, it starts again
    response, body = _invoke(local_stack, "RecordOutcomeFunction", {"signal_id": "sig-none"})
    assert body.get("errorType") != "SettingsError"
