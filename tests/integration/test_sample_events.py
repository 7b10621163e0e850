"""Every function answers its sample event from events/ on the local stack, the way
`fks local invoke NAME --event @events/NAME.json` sends it. The samples run in sample_order(), so
the data a later one reads (an enabled asset, collected candles, a strategy, a signal, an order)
is made by the earlier ones, through the product's own functions."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from fks_adapters.pipeline.executions import SignalPipeline
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_app.signal_recording import SignalRecorder
from fks_cli.commands_events import DOCKER_HOST, EVENTS_DIR, TEMPLATE, deployed_env_vars
from fks_cli.sample_events import APPROVED_ID, MANUAL_SIGNAL, REJECTED_ID, SampleEvent, build_samples, sample_order
from fks_local.template import load
from tests.integration.pipeline_helpers import wait_for_status
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
WEBHOOK_SECRET = "sample-webhook-secret"
ORDER = sample_order(TEMPLATE)
# Every other event source's sample, in the order that seeds what the next one reads.
SOURCES = [sample for sample in build_samples(TEMPLATE) if sample.source is not None]
RESOURCES = load(TEMPLATE)["Resources"]
FUNCTIONS = [name for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"]
# The manual signals the approve and reject samples decide.
DECIDED = {"SignalsApiFunction.ApproveSignal.json": APPROVED_ID, "SignalsApiFunction.RejectSignal.json": REJECTED_ID}
GLOBAL_VARIABLES = load(TEMPLATE)["Globals"]["Function"]["Environment"]["Variables"]


@pytest.fixture(scope="module", autouse=True)
def _samples_start_from_a_fresh_asset(local_stack: StackHandle) -> None:
    """The samples are a session on a fresh stack: the assets sample's enable starts the history
    backfill the model samples train on. Enabling an enabled asset starts no second backfill, so
    an asset an earlier module enabled (the second target's chain enables BTC/USDT with no history)
    is disabled first, through the product's own route; its stored candles stay."""
    assets = local_stack.api("GET", "/assets").json()["assets"]
    for asset in assets:
        if (asset["exchange"], asset["symbol"], asset["enabled"]) == ("binance", "BTC/USDT", True):
            response = local_stack.api("POST", "/assets/disable", json={"exchange": "binance", "symbol": "BTC/USDT"})
            assert response.status_code == 200, response.text


@pytest.fixture(scope="module", autouse=True)
def _sample_pipelines_settle(local_stack: StackHandle) -> Iterator[None]:
    """The approve and reject samples decide manual signals whose pipelines trade on the
    simulator, which the session's other tests share: this module ends only once they stopped."""
    yield
    sfn = local_stack.clients("stepfunctions")
    executions = sfn.list_executions(stateMachineArn=local_stack.output("SignalStateMachineArn"))["executions"]
    for execution in executions:
        if execution["name"].startswith("sig-sample-"):
            local_stack.wait_for_execution(execution["executionArn"])


def _waiting_for_approval(local_stack: StackHandle, signal_id: str) -> None:
    """The manual signal an approve or reject sample decides, started as generate_signals starts a
    signal (its record, then its execution), once the earlier samples collected the prices its
    risk check reads; the sample runs when it waits for a person."""
    history = SignalHistory(local_stack.function("SignalsTable"), local_stack.clients("dynamodb"))
    pipeline = SignalPipeline(local_stack.output("SignalStateMachineArn"), local_stack.clients("stepfunctions"))
    signal = MANUAL_SIGNAL.model_copy(update={"signal_id": signal_id})
    SignalRecorder(history, pipeline).record(signal, int(time.time() * 1000))
    wait_for_status(local_stack, signal_id, "pending_approval")


def _event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text())
    return event


def _with_credentials(local_stack: StackHandle, function: str, event: dict[str, Any]) -> dict[str, Any]:
    """The samples' placeholders filled in as a user fills them in."""
    if function == "AuthorizerFunction":  # a key `fks keys create` made
        event["headers"]["Authorization"] = f"Bearer {local_stack.api_keys['read']}"
    if function == "TelegramWebhookFunction":  # what an operator does once: the bot's secret is set
        local_stack.clients("secretsmanager").put_secret_value(
            SecretId=local_stack.function("TelegramBotSecret"),
            SecretString=json.dumps({"bot_token": "123:sample", "webhook_secret": WEBHOOK_SECRET}),
        )
        event["headers"]["X-Telegram-Bot-Api-Secret-Token"] = WEBHOOK_SECRET
    return event


def _invoke(local_stack: StackHandle, function: str, event: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    response = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function(function), Payload=json.dumps(event).encode()
    )
    return response, json.loads(response["Payload"].read() or b"null")


def test_every_template_function_has_a_sample_in_the_run_order() -> None:
    assert sorted(ORDER) == sorted(FUNCTIONS)


@pytest.mark.parametrize("function", ORDER)
def test_function_accepts_its_sample_event(local_stack: StackHandle, function: str) -> None:
    event = _with_credentials(local_stack, function, _event(f"{function}.json"))

    response, answer = _invoke(local_stack, function, event)

    assert "FunctionError" not in response, answer
    if function == "AuthorizerFunction":
        assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    elif "httpMethod" in event:
        assert 200 <= answer["statusCode"] < 300, answer
        assert answer["body"]
    elif function == "LiveFeedFunction":
        assert answer == {"statusCode": 200}
    else:
        assert isinstance(answer, dict), answer
        assert answer, answer


@pytest.mark.parametrize("sample", SOURCES, ids=lambda sample: sample.file_name)
def test_each_event_source_sample_is_answered(local_stack: StackHandle, sample: SampleEvent) -> None:
    decided = {
        "SignalsApiFunction.ApproveSignal.json": APPROVED_ID,
        "SignalsApiFunction.RejectSignal.json": REJECTED_ID,
    }
    if sample.file_name in decided:
        _waiting_for_approval(local_stack, decided[sample.file_name])
    event = _with_credentials(local_stack, sample.function, _event(sample.file_name))

    response, answer = _invoke(local_stack, sample.function, event)

    assert "FunctionError" not in response, answer
    if "httpMethod" in event and "methodArn" not in event:
        if sample.refusal is None:
            assert 200 <= answer["statusCode"] < 300, answer
        else:  # a refusal the sample shows on purpose: that 4xx, naming why
            assert answer["statusCode"] == sample.refusal, answer
            assert json.loads(answer["body"])["message"], answer


def test_env_vars_file_gives_each_function_its_template_variables_and_the_local_endpoint(
    local_stack: StackHandle,
) -> None:
    document = deployed_env_vars(local_stack.endpoint_url, {name: local_stack.function(name) for name in FUNCTIONS})

    assert sorted(document) == sorted(FUNCTIONS)
    for name in FUNCTIONS:
        declared = {**GLOBAL_VARIABLES, **(RESOURCES[name]["Properties"].get("Environment") or {}).get("Variables", {})}
        # Exactly the declared ones: sam local ignores any other, so the file would only mislead.
        assert set(document[name]) == set(declared), name
        assert document[name]["AWS_ENDPOINT_URL"].startswith(f"http://{DOCKER_HOST}:")
    exchange = document["CollectOhlcvFunction"]["FKS_EXCHANGE_BASE_URL"]
    assert exchange.startswith(f"http://{DOCKER_HOST}:"), exchange
