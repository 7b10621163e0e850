"""The pydantic ``AmendOrderCommand`` and the Rust ``AmendCommand`` are one contract: the JSON
pinned here is the one ``rust_lambda/crates/fks_execution_core/tests/json_contract.rs`` parses
(``amend_command_has_the_contract_shape``)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from fks.execution import AmendOrderCommand

PINNED = (
    '{"action":"amend","client_order_id":"o-1","account":"binance-spot",'
    '"new_client_order_id":"o-1-r1","price":"64000.00"}'
)


def test_amend_command_dumps_the_pinned_json_with_decimals_as_strings() -> None:
    command = AmendOrderCommand(
        client_order_id="o-1", account="binance-spot", new_client_order_id="o-1-r1", price=Decimal("64000.00")
    )

    assert json.loads(command.model_dump_json(exclude_none=True)) == json.loads(PINNED)


@pytest.mark.parametrize(
    "fields",
    [
        {"new_client_order_id": "bad id"},
        {"price": "0"},
        {"quantity": "-1"},
        {"side": "buy"},
        {"action": "cancel"},
    ],
)
def test_amend_command_refuses_what_rust_refuses(fields: dict[str, object]) -> None:
    base = {"client_order_id": "o-1", "account": "binance-spot", "new_client_order_id": "o-1-r1"}

    with pytest.raises(ValidationError):
        AmendOrderCommand.model_validate({**base, **fields})
