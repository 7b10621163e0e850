from __future__ import annotations

import json

import pytest

from fks.auth.principal import Scope
from fks.chat_control import CommandError, alert_text, parse_allowed_chats, parse_command


@pytest.mark.parametrize(
    ("text", "name", "scope"),
    [
        ("/status", "status", Scope.READ),
        ("/balance", "balance", Scope.READ),
        ("/positions@fks_bot", "positions", Scope.READ),
        ("/signals", "signals", Scope.READ),
        ("/halt", "halt", Scope.ADMIN),
        ("/resume", "resume", Scope.ADMIN),
    ],
)
def test_each_command_needs_the_scope_of_its_api_route(text: str, name: str, scope: Scope) -> None:
    command = parse_command(text)

    assert (command.name, command.scope, command.argument) == (name, scope, None)


def test_approve_and_reject_need_trade_and_carry_the_signal_id() -> None:
    approve, reject = parse_command("/approve sig-1_a"), parse_command("/reject@fks_bot  sig-2 ")

    assert (approve.scope, approve.argument) == (Scope.TRADE, "sig-1_a")
    assert (reject.scope, reject.argument) == (Scope.TRADE, "sig-2")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("/approve", "needs a signal id"),
        ("/reject a/b", "needs a signal id"),
        ("/halt now", "takes no argument"),
        ("/sell BTC", "unknown command"),
        ("hello", "unknown command"),
    ],
)
def test_a_bad_command_is_refused_naming_the_problem(text: str, says: str) -> None:
    with pytest.raises(CommandError, match=says):
        parse_command(text)


def test_the_allow_list_maps_each_chat_to_its_scopes() -> None:
    chats = parse_allowed_chats('{"123": "admin", "-100200": ["read"]}')

    assert chats == {123: frozenset({Scope.ADMIN}), -100200: frozenset({Scope.READ})}


@pytest.mark.parametrize(
    ("text", "says"),
    [("[1]", "JSON object"), ('{"abc": "read"}', "not an integer"), ('{"1": "root"}', "unknown scope"), ("{", "JSON")],
)
def test_a_malformed_allow_list_is_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_allowed_chats(text)


def test_an_alarm_reads_as_its_state_name_and_reason() -> None:
    message = json.dumps(
        {
            "AlarmName": "fks-dev-circuit-breaker",
            "AlarmDescription": "An account was halted.",
            "NewStateValue": "ALARM",
            "NewStateReason": "Threshold Crossed: 1 of 1 period(s) breaching (1 vs 1)",
        }
    )

    text = alert_text("ALARM: fks-dev-circuit-breaker", message)

    assert text.startswith("[ALARM] fks-dev-circuit-breaker\nThreshold Crossed")
    assert "An account was halted." in text
    assert "docs/runbook.md" in text


def test_a_notice_reads_as_its_subject_and_text() -> None:
    assert alert_text("FKS signal filled: s1", "Signal s1 filled") == "FKS signal filled: s1\nSignal s1 filled"
