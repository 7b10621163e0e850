"""The pydantic ``OrderCommand`` and the Rust one are one contract: what Python sends, Rust reads."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from fks.execution import OrderCommand
from tests.unit.execution.stubs import ACCOUNT, MARK, engine


def _limit_buy(**overrides: object) -> OrderCommand:
    fields: dict[str, object] = {
        "client_order_id": "py-1",
        "account": ACCOUNT,
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "limit",
        "quantity": Decimal("0.001"),
        "price": Decimal("41000.00"),
        "time_in_force": "IOC",
    }
    fields.update(overrides)
    return OrderCommand.model_validate(fields)


def test_pydantic_command_json_is_accepted_by_the_rust_engine() -> None:
    command = _limit_buy()

    report = json.loads(engine().submit(command.model_dump_json(), 1, MARK))

    assert report["client_order_id"] == "py-1"
    assert report["type"] == "limit"
    assert Decimal(report["quantity"]) == Decimal("0.001")


def test_pydantic_command_dumps_decimals_as_strings() -> None:
    dumped = json.loads(_limit_buy().model_dump_json())

    assert dumped["quantity"] == "0.001"
    assert dumped["price"] == "41000.00"
    assert dumped["stop_price"] is None


@pytest.mark.parametrize(
    "overrides",
    [{"quantity": Decimal(0)}, {"client_order_id": "bad id"}, {"side": "hold"}, {"surprise": 1}],
)
def test_pydantic_command_refuses_what_rust_refuses(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _limit_buy(**overrides)
