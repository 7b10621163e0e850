"""The Telegram bot on the local stack, Telegram played by tests/telegram_fake.py on 127.0.0.1:
an alarm reaches the allowed chats; /halt from an admin chat halts trading; the same from a chat
not on the allow-list does nothing and is logged; a read-only chat cannot halt."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from fks_adapters.execution.tables import ExecutionTables
from fks_adapters.telegram.bot_api import TelegramBotApi
from fks_local.alarms import AlarmEvaluator
from tests.integration.pipeline_helpers import new_signal, priced_markets, start, wait_for_status
from tests.stack_handle import StackHandle
from tests.telegram_fake import TelegramFake

pytestmark = pytest.mark.moto_only

TOKEN = "424242:integration-token"
WEBHOOK_SECRET = "it-webhook-secret_1"
ADMIN_CHAT, READ_CHAT, UNKNOWN_CHAT = 1001, -1002, 1003
ACCOUNT = "binance-spot"


def _configure(local_stack: StackHandle, logical_id: str, values: dict[str, str]) -> dict[str, str]:
    """Points a function at the fake (the Lambda API's own configuration update); returns the old values."""
    lam = local_stack.clients("lambda")
    name = local_stack.function(logical_id)
    current = lam.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {**current, **values}})
    return {key: current[key] for key in values}


@pytest.fixture(scope="module")
def telegram(local_stack: StackHandle) -> Iterator[TelegramFake]:
    chats = {ADMIN_CHAT: "private", READ_CHAT: "group", UNKNOWN_CHAT: "private"}
    with TelegramFake(TOKEN, chats) as fake:
        local_stack.clients("secretsmanager").put_secret_value(
            SecretId=local_stack.function("TelegramBotSecret"),
            SecretString=json.dumps({"bot_token": TOKEN, "webhook_secret": WEBHOOK_SECRET}),
        )
        allow_list = json.dumps({str(ADMIN_CHAT): "admin", str(READ_CHAT): "read"})
        values = {"FKS_TELEGRAM_API_URL": fake.url, "FKS_TELEGRAM_CHATS": allow_list}
        previous = {
            fn: _configure(local_stack, fn, values) for fn in ("TelegramWebhookFunction", "TelegramAlertsFunction")
        }
        # What an operator does once after deploying: Telegram learns the route and the secret.
        assert TelegramBotApi(TOKEN, fake.url).set_webhook(f"{local_stack.api_url}/telegram/webhook", WEBHOOK_SECRET)
        try:
            yield fake
        finally:
            for fn, old in previous.items():
                _configure(local_stack, fn, old)


def _trading_state(local_stack: StackHandle) -> str:
    tables = ExecutionTables(
        local_stack.function("OrdersTable"),
        local_stack.function("PositionsTable"),
        local_stack.function("RiskStateTable"),
        client=local_stack.clients("dynamodb"),
    )
    return tables.trading_state(ACCOUNT)


def _webhook_event(update: dict[str, Any], secret: str) -> dict[str, Any]:
    """The proxy event API Gateway hands the function for Telegram's POST."""
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    return {
        "resource": "/telegram/webhook",
        "path": "/telegram/webhook",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": "/telegram/webhook", "httpMethod": "POST", "stage": "v1", "requestId": "it"},
        "body": json.dumps(update),
        "isBase64Encoded": False,
    }


def test_halt_from_an_admin_chat_halts_trading_and_resume_resumes_it(
    local_stack: StackHandle, telegram: TelegramFake
) -> None:
    assert _trading_state(local_stack) == "active"

    halted = telegram.deliver(ADMIN_CHAT, "/halt")
    state_after_halt = _trading_state(local_stack)
    resumed = telegram.deliver(ADMIN_CHAT, "/resume")

    assert halted.status_code == 200, halted.text
    assert state_after_halt == "halted"
    assert "trading halted by telegram:1001/operator" in telegram.wait_for_message(ADMIN_CHAT, "halted")
    assert resumed.status_code == 200, resumed.text
    assert _trading_state(local_stack) == "active"


def test_halt_from_a_chat_not_on_the_allow_list_does_nothing_and_is_logged(
    local_stack: StackHandle, telegram: TelegramFake
) -> None:
    answer = telegram.deliver(UNKNOWN_CHAT, "/halt")
    # The same update straight to the function, for its log (the gateway does not return it).
    invoked = local_stack.clients("lambda").invoke(
        FunctionName=local_stack.function("TelegramWebhookFunction"),
        Payload=json.dumps(_webhook_event(telegram.update(UNKNOWN_CHAT, "/halt"), WEBHOOK_SECRET)).encode(),
        LogType="Tail",
    )
    logs = base64.b64decode(invoked["LogResult"]).decode()

    assert answer.status_code == 200, answer.text
    assert answer.json()["handled"] is False
    assert _trading_state(local_stack) == "active"
    assert telegram.messages_to(UNKNOWN_CHAT) == []
    assert "message from a chat not on the allow-list" in logs
    assert str(UNKNOWN_CHAT) in logs


def test_a_read_only_chat_cannot_halt_but_reads_the_status(local_stack: StackHandle, telegram: TelegramFake) -> None:
    refused = telegram.deliver(READ_CHAT, "/halt")
    status = telegram.deliver(READ_CHAT, "/status")

    assert refused.status_code == 200
    assert status.status_code == 200
    assert "/halt needs the 'admin' scope; this chat has: read" in telegram.wait_for_message(READ_CHAT, "/halt needs")
    assert f"{ACCOUNT}: trading active" in telegram.wait_for_message(READ_CHAT, "trading active")
    assert _trading_state(local_stack) == "active"


def test_a_webhook_call_without_the_secret_token_is_forbidden(local_stack: StackHandle, telegram: TelegramFake) -> None:
    forged = telegram.deliver(ADMIN_CHAT, "/halt", secret_token="guessed")

    assert forged.status_code == 403
    assert "X-Telegram-Bot-Api-Secret-Token" in forged.json()["message"]
    assert _trading_state(local_stack) == "active"


def test_approving_a_signal_that_does_not_exist_says_so_in_the_chat(
    local_stack: StackHandle, telegram: TelegramFake
) -> None:
    answer = telegram.deliver(ADMIN_CHAT, "/approve no-such-signal")

    assert answer.status_code == 200
    assert "no signal no-such-signal" in telegram.wait_for_message(ADMIN_CHAT, "no-such-signal")


def test_an_alarm_reaches_the_bots_chats(local_stack: StackHandle, telegram: TelegramFake) -> None:
    alarm = local_stack.function("CircuitBreakerAlarm")
    # From OK, whatever an earlier test left: the evaluator notifies on a change of state only.
    local_stack.clients("cloudwatch").set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="test start")
    assert local_stack.api("POST", "/risk/halt", scope="admin").status_code == 200
    try:
        monitor = local_stack.clients("lambda").invoke(
            FunctionName=local_stack.function("MonitorFunction"),
            Payload=json.dumps({"source": "aws.events", "detail-type": "Scheduled Event"}).encode(),
        )
        assert "FunctionError" not in monitor
        states = AlarmEvaluator(local_stack.clients).evaluate_once()
    finally:
        assert local_stack.api("POST", "/risk/resume", scope="admin").status_code == 200

    if states[alarm] != "ALARM":
        pytest.fail(f"{alarm} did not go red: {states[alarm]}")
    text = telegram.wait_for_message(ADMIN_CHAT, f"[ALARM] {alarm}", timeout_s=60)
    assert "Threshold Crossed" in text
    assert f"[ALARM] {alarm}" in telegram.wait_for_message(READ_CHAT, f"[ALARM] {alarm}", timeout_s=60)


def test_read_commands_answer_from_the_platforms_records(local_stack: StackHandle, telegram: TelegramFake) -> None:
    for command in ("/positions", "/signals", "/balance"):
        assert telegram.deliver(READ_CHAT, command).status_code == 200

    replies = telegram.messages_to(READ_CHAT)
    assert not [
        reply for reply in replies if reply.startswith(("/positions failed", "/signals failed", "/balance failed"))
    ]
    assert telegram.wait_for_message(READ_CHAT, "equity: ")  # /balance: the portfolio's valuation
    assert telegram.wait_for_message(READ_CHAT, "cash: ")


def test_a_waiting_signal_is_approved_from_a_trade_chat(local_stack: StackHandle, telegram: TelegramFake) -> None:
    priced_markets(local_stack, "BTC/USDT")
    signal = new_signal(mode="manual")
    arn = start(local_stack, signal)
    wait_for_status(local_stack, signal["signal_id"], "pending_approval")

    answer = telegram.deliver(ADMIN_CHAT, f"/approve {signal['signal_id']}")

    assert answer.status_code == 200
    assert "approved by telegram:1001/operator" in telegram.wait_for_message(ADMIN_CHAT, signal["signal_id"])
    assert local_stack.wait_for_execution(arn)["status"] == "SUCCEEDED"
    record = wait_for_status(local_stack, signal["signal_id"], "completed")
    assert record["approval"]["by"] == "telegram:1001/operator"
