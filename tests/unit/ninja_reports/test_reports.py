"""The report models accept exactly what the bridge's HttpFillReporter sends, and name what is wrong."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal

import pytest
from pydantic import ValidationError

from fks.ninja.reports import (
    NinjaFillReport,
    NinjaOrderStateReport,
    NinjaPositionReport,
    NinjaRefusalReport,
    Nt8OrderState,
)
from fks_ninja.bridge import _order_id
from fks_ninja.outgoing import MarketPosition, OrderState, PositionUpdate
from fks_ninja.reporter import _json_default
from fks_ninja.tracker import Fill, OrderStatusChange


def _wire(value: object) -> str:
    """The body as the reporter encodes it."""
    return json.dumps(asdict(value), default=_json_default)  # type: ignore[call-overload]


def test_a_bridge_fill_parses_with_its_price_as_decimal() -> None:
    fill = Fill("fks0a1b2c3d4e-sig-1", "sig-1", "TS50K-001", "ES 12-25", "BUY", 2, Decimal("5001.75"), 3)

    report = NinjaFillReport.model_validate_json(_wire(fill))

    assert report.price == Decimal("5001.75")
    assert (report.signed_quantity, report.cumulative_filled) == (2, 3)


def test_a_bridge_order_state_change_parses() -> None:
    change = OrderStatusChange("fks0a1b2c3d4e-sig-1", "sig-1", OrderState.PARTFILLED, 1, Decimal("5001.5"))

    report = NinjaOrderStateReport.model_validate_json(_wire(change))

    assert (report.state, report.average_fill_price) == (Nt8OrderState.PARTFILLED, Decimal("5001.5"))


def test_a_bridge_position_file_report_parses_with_its_exchange_suffix() -> None:
    update = PositionUpdate("ES 12-25 Globex", "Sim101", MarketPosition.SHORT, 2, Decimal("4999"))

    report = NinjaPositionReport.model_validate_json(_wire(update))

    assert report.signed_quantity == -2


def test_a_refusal_parses_including_an_account_breach() -> None:
    body = json.dumps({"signal_id": "account:topstep-1", "reason": "account breached daily_loss_limit", "rule": None})

    assert NinjaRefusalReport.model_validate_json(body).rule is None


def test_platform_and_bridge_spell_the_same_nt8_order_states() -> None:
    assert {s.value for s in Nt8OrderState} == {s.value for s in OrderState}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": "abc"}, "price"),
        ({"price": "-1"}, "price"),
        ({"quantity": 0}, "quantity"),
        ({"action": "HOLD"}, "action"),
        ({"instrument": "ESZ5"}, "instrument"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_malformed_fill_names_the_field(change: dict[str, object], field: str) -> None:
    body = {
        "order_id": "fks0123456789-s-1",
        "signal_id": "s-1",
        "account": "A",
        "instrument": "ES 12-25",
        "action": "BUY",
        "quantity": 1,
        "price": "1",
        "cumulative_filled": 1,
        **change,
    }
    with pytest.raises(ValidationError) as error:
        NinjaFillReport.model_validate(body)

    assert field in {str(e["loc"][0]) for e in error.value.errors() if e["loc"]}


def test_cumulative_below_the_fill_is_refused() -> None:
    body = {"order_id": "fks0123456789-s", "signal_id": "s", "account": "A", "instrument": "ES 12-25", "action": "BUY"}
    with pytest.raises(ValidationError, match="cumulative_filled 1 is less than this fill's 2"):
        NinjaFillReport.model_validate({**body, "quantity": 2, "price": "1", "cumulative_filled": 1})


def test_a_flat_position_with_contracts_is_refused() -> None:
    body = {"instrument": "ES 12-25", "account": "A", "position": "FLAT", "quantity": 1, "average_entry_price": "0"}
    with pytest.raises(ValidationError, match="position FLAT with quantity 1"):
        NinjaPositionReport.model_validate(body)


def test_the_bridge_order_id_of_the_longest_signal_id_is_one_the_platform_takes() -> None:
    order_id = _order_id("s" * 80)
    fill = Fill(order_id, "s" * 80, "APEX-123456-01", "MNQ 03-26", "SELL", 1, Decimal("21000.25"), 1)

    assert NinjaFillReport.model_validate_json(_wire(fill)).order_id == order_id


def test_an_account_that_get_positions_could_not_list_is_refused() -> None:
    body = {"instrument": "ES 12-25", "account": "two words", "position": "FLAT", "quantity": 0}
    with pytest.raises(ValidationError) as error:
        NinjaPositionReport.model_validate({**body, "average_entry_price": "0"})

    assert [e["loc"] for e in error.value.errors()] == [("account",)]


@pytest.mark.parametrize(
    "order_id",
    ["0", "sig-1", "fks0123456789", "fksXYZ3456789-s-1", "FKS0123456789-s-1", "fks0123456789-" + "s" * 23],
)
def test_an_order_id_the_bridge_never_makes_is_refused_at_the_edge(order_id: str) -> None:
    body = {"order_id": order_id, "signal_id": "s-1", "state": "ACCEPTED", "filled": 0, "average_fill_price": "0"}

    with pytest.raises(ValidationError) as error:
        NinjaOrderStateReport.model_validate(body)

    assert [e["loc"] for e in error.value.errors()] == [("order_id",)]


def test_every_order_id_the_bridge_makes_is_accepted() -> None:
    for signal_id in ("s", "sig-es-1", "x" * 80):
        order_id = _order_id(signal_id)
        body = {"order_id": order_id, "signal_id": "s", "state": "ACCEPTED", "filled": 0, "average_fill_price": "0"}

        assert NinjaOrderStateReport.model_validate(body).order_id == order_id
