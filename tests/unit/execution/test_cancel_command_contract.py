"""The pydantic ``CancelOrderCommand`` and the Rust ``CancelCommand`` are one contract: the JSON
pinned here is the one ``rust_lambda/crates/fks_execution_core/tests/json_contract.rs`` parses."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from fks.errors import BadRequest
from fks.execution import CancelOrderCommand, OrderCommand, account_name

# The same literal as json_contract.rs `cancel_command_json_of_the_python_side_parses`.
ACCOUNT_PROBLEM = "must be 1-64 letters, digits or _.:@- starting with a letter or digit"
PINNED = '{"action":"cancel","client_order_id":"py-1","account":"acct-1"}'


def test_cancel_command_dumps_the_pinned_json() -> None:
    command = CancelOrderCommand(client_order_id="py-1", account="acct-1")

    assert json.loads(command.model_dump_json()) == json.loads(PINNED)


@pytest.mark.parametrize(
    "fields",
    [
        {"client_order_id": "bad id", "account": "acct-1"},
        {"client_order_id": "py-1", "account": ""},
        {"client_order_id": "py-1", "account": "acct-1", "action": "amend"},
        {"client_order_id": "py-1", "account": "acct-1", "side": "buy"},
    ],
)
def test_cancel_command_refuses_what_rust_refuses(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CancelOrderCommand.model_validate(fields)


def test_order_command_refuses_an_action_field() -> None:
    # What tells the two commands apart on the wire: only a cancel carries `action`.
    fields = {"client_order_id": "py-1", "account": "a", "symbol": "BTCUSDT", "side": "buy", "type": "market"}
    with pytest.raises(ValidationError):
        OrderCommand.model_validate({**fields, "quantity": "1", "action": "cancel"})


@pytest.mark.parametrize("name", ["binance-spot", "Sim101", "APEX-123456-01", "fxify_1.a:b@c", "a" * 64])
def test_account_name_accepts_exchange_and_ninjatrader_names(name: str) -> None:
    assert account_name(name) == name


@pytest.mark.parametrize("name", ["", "-lead", "a b", "../x", "a" * 65, "acct;drop"])
def test_account_name_refuses_malformed_names_naming_the_field(name: str) -> None:
    with pytest.raises(BadRequest) as raised:
        account_name(name)

    assert raised.value.details["problems"] == [{"field": "account", "problem": ACCOUNT_PROBLEM}]
    assert repr(name) in raised.value.message
