from __future__ import annotations

import typing
from decimal import Decimal

import pytest

from fks_ninja import oif
from fks_ninja.errors import InvalidOrderInstruction


def _place(**overrides: object) -> oif.Place:
    values: dict[str, object] = {
        "account": "Sim101",
        "instrument": "ES 12-25",
        "action": "BUY",
        "quantity": 2,
        "order_type": "MARKET",
        "order_id": "fks1",
    }
    values.update(overrides)
    return oif.build(oif.Place, **values)


def test_place_market_renders_the_13_documented_fields_in_order() -> None:
    line = oif.render(_place())

    assert line == "PLACE;Sim101;ES 12-25;BUY;2;MARKET;;;DAY;;fks1;;"
    assert len(line.split(";")) == oif.FIELD_COUNT


def test_place_stop_limit_renders_both_prices_in_us_decimal_format() -> None:
    command = _place(order_type="STOPLIMIT", limit_price=Decimal("5012.50"), stop_price=Decimal("5E+3"), tif="GTC")

    assert oif.render(command) == "PLACE;Sim101;ES 12-25;BUY;2;STOPLIMIT;5012.5;5000;GTC;;fks1;;"


def test_reverse_position_uses_the_place_fields_with_its_own_command() -> None:
    command = oif.build(
        oif.ReversePosition,
        account="A",
        instrument="NQ 03-26",
        action="SELL",
        quantity=1,
        order_type="LIMIT",
        limit_price=Decimal("21000.25"),
        order_id="r1",
    )

    assert oif.render(command) == "REVERSEPOSITION;A;NQ 03-26;SELL;1;LIMIT;21000.25;;DAY;;r1;;"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (oif.Cancel(order_id="fks1"), "CANCEL;;;;;;;;;;fks1;;"),
        (oif.Change(order_id="fks1", limit_price=Decimal("5001.25")), "CHANGE;;;;0;;5001.25;0;;;fks1;;"),
        (
            oif.ClosePosition(account="Sim101", instrument="ES 12-25 Globex"),
            "CLOSEPOSITION;Sim101;ES 12-25 Globex;;;;;;;;;;",
        ),
        (oif.CloseStrategy(strategy_id="atm1"), "CLOSESTRATEGY;;;;;;;;;;;;atm1"),
    ],
)
def test_other_commands_render_per_the_help_guide_examples(command: oif.OifCommand, expected: str) -> None:
    assert oif.render(command) == expected


def test_limit_order_without_limit_price_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidOrderInstruction, match="LIMIT order needs limit price"):
        _place(order_type="LIMIT")


def test_market_order_with_a_stop_price_is_refused() -> None:
    with pytest.raises(InvalidOrderInstruction, match="takes no stop price"):
        _place(stop_price=Decimal(1))


def test_separator_inside_a_field_is_refused_so_no_line_can_be_split_wrongly() -> None:
    with pytest.raises(InvalidOrderInstruction, match="account"):
        _place(account="Sim;101")


def test_zero_quantity_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidOrderInstruction, match="quantity"):
        _place(quantity=0)


def test_change_without_anything_to_change_is_refused() -> None:
    with pytest.raises(InvalidOrderInstruction, match="needs a new quantity"):
        oif.build(oif.Change, order_id="fks1")


def test_account_wide_commands_have_no_model_so_they_cannot_be_sent() -> None:
    allowed = {cls.__name__ for cls in typing.get_args(oif.OifCommand)}

    assert allowed == {"Place", "ReversePosition", "Cancel", "Change", "ClosePosition", "CloseStrategy"}
    assert not hasattr(oif, "CancelAllOrders")
    assert not hasattr(oif, "FlattenEverything")
