"""Every decimal that enters from outside is read strictly: the quantity ``"1_000"`` that became a
$33M market order, exponents, NaN and Infinity, non-ASCII digits and unbounded digits are refused
by the models themselves, naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from fks.decimals import MAX_DIGITS, MAX_SCALE, parse_decimal
from fks.execution import OrderCommand
from fks.ninja.reports import NinjaFillReport
from fks.signals import Signal

_ORDER = {
    "client_order_id": "c1",
    "account": "binance-spot",
    "symbol": "BTCUSDT",
    "side": "buy",
    "type": "market",
    "quantity": "0.5",
}

REFUSED = [
    "1_000",
    "1e3",
    "1E+400",
    "1e400",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "sNaN",
    "\u0661\u0662",  # Arabic-Indic digits, which Decimal() reads as 12
    " 1",
    "0x10",
    "",
    "1" * (MAX_DIGITS + 1),
    "0." + "0" * MAX_SCALE + "1",
    float("inf"),
    float("nan"),
    1e300,
    10**40,
    True,
]


@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_order_quantity_outside_the_strict_form_is_refused_naming_the_field(value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        OrderCommand.model_validate({**_ORDER, "quantity": value})

    assert [error["loc"] for error in raised.value.errors()] == [("quantity",)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.5", "12.5"), ("0.001", "0.001"), (".5", "0.5"), ("5.", "5"), (0.1, "0.1"), (3, "3"), (1e16, "1" + "0" * 16)],
    ids=repr,
)
def test_plain_decimals_and_finite_json_numbers_are_read_exactly(value: object, expected: str) -> None:
    assert str(parse_decimal(value)) == expected


def test_the_same_rule_holds_for_signals_and_bridge_reports() -> None:
    signal = {
        "signal_id": "s1",
        "strategy_id": "st",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "side": "buy",
        "quantity": "1_000",
        "generated_ms": 1,
    }
    fill = {
        "order_id": "fks0123456789-s1",
        "signal_id": "s1",
        "account": "Sim101",
        "instrument": "ES 12-25",
        "action": "BUY",
        "quantity": 1,
        "price": "1e3",
        "cumulative_filled": 1,
    }

    with pytest.raises(ValidationError, match="quantity"):
        Signal.model_validate(signal)
    with pytest.raises(ValidationError, match="price"):
        NinjaFillReport.model_validate(fill)


def test_a_json_number_with_an_exponent_never_reaches_the_engine_as_one() -> None:
    command = OrderCommand.model_validate({**_ORDER, "quantity": 1e16})  # repr: '1e+16'

    assert command.model_dump(mode="json")["quantity"] == "10000000000000000"
    assert command.quantity == Decimal(10**16)
