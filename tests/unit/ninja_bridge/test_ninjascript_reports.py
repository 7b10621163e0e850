"""What the NinjaScript sources post and poll, built by their own C# (compiled with mcs against the
NT8 stubs and run under mono), checked against the platform's models: each report body validates
against the pydantic model of its route (no field missing, none extra), each Idempotency-Key
passes the header's rule and is the same for a resent execution, and each poll query is one
``GET /signals`` accepts, asking for the instrument, account and status the script acts on."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from pydantic import BaseModel

from fks.ninja.reports import NinjaFillReport, NinjaOrderStateReport, NinjaRefusalReport, Nt8OrderState
from fks.pipeline.signal_queries import SignalsQuery
from tests.unit.ninja_bridge.ninjascript import NinjaScriptHarness

MODELS: dict[str, type[BaseModel]] = {
    "/ninja/fills": NinjaFillReport,
    "/ninja/orders": NinjaOrderStateReport,
    "/ninja/refusals": NinjaRefusalReport,
}
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # functions/ninja_reports' header rule


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> NinjaScriptHarness:
    return NinjaScriptHarness.build(tmp_path_factory.mktemp("ninjascript"))


@pytest.fixture(scope="module")
def reports(harness: NinjaScriptHarness) -> dict[str, dict[str, Any]]:
    return {line["name"]: line for line in harness.run("reports")}


def _parsed(line: dict[str, Any]) -> Any:
    return MODELS[line["path"]].model_validate_json(line["body"])


def test_every_report_validates_against_the_model_of_its_route(reports: dict[str, dict[str, Any]]) -> None:
    assert {line["path"] for line in reports.values()} == set(MODELS)
    for line in reports.values():
        _parsed(line)  # extra="forbid": a field the platform does not know fails here
        assert IDEMPOTENCY_KEY.match(line["key"]), line


def test_fills_carry_the_orders_cumulative_fill_and_decimal_prices(reports: dict[str, dict[str, Any]]) -> None:
    first, second = _parsed(reports["entry fill 1"]), _parsed(reports["entry fill 2"])

    assert (first.quantity, first.cumulative_filled, first.price) == (1, 1, Decimal("5001.75"))
    assert (second.quantity, second.cumulative_filled, second.price) == (2, 3, Decimal("5002.25"))
    assert first.order_id == second.order_id  # one NT8 order, one platform order
    assert re.fullmatch(r"fks[0-9a-f]{10}-sig-entry-1", first.order_id)
    # A double's float noise (0.1 + 0.2 + 5000) does not reach the platform's Decimal.
    assert _parsed(reports["cover fill"]).price == Decimal("5000.3")


def test_an_execution_reported_again_is_the_same_report_under_the_same_key(
    reports: dict[str, dict[str, Any]],
) -> None:
    first, again = reports["entry fill 1"], reports["entry fill 1 again"]

    assert (again["key"], again["body"]) == (first["key"], first["body"])
    assert first["key"] != reports["entry fill 2"]["key"]


def test_nt8_actions_and_exit_orders_map_to_the_signal_they_belong_to(reports: dict[str, dict[str, Any]]) -> None:
    exit_fill = _parsed(reports["reversal exit fill"])
    cover = _parsed(reports["cover fill"])

    # NT8 names its reversal exit "Close position"; the fill belongs to the entry it closes.
    assert (exit_fill.signal_id, exit_fill.action) == ("sig-entry-1", "SELL")
    assert exit_fill.order_id != _parsed(reports["entry fill 1"]).order_id
    assert (cover.action, cover.account) == ("BUY", "APEX-1234-01")  # BuyToCover is a buy


def test_every_nt8_order_state_is_one_the_platform_knows(reports: dict[str, dict[str, Any]]) -> None:
    states = {_parsed(line).state for name, line in reports.items() if name.startswith("state ")}

    assert states == set(Nt8OrderState)
    filled = _parsed(reports["entry filled"])
    assert (filled.state, filled.filled, filled.average_fill_price) == (
        Nt8OrderState.FILLED,
        3,
        Decimal("5002.0833333333"),
    )
    assert reports["entry filled"]["key"] == f"nt8-order-{filled.order_id}-FILLED-3"


def test_the_automated_strategy_polls_only_routed_signals_for_its_instrument_and_account_since_it_started(
    harness: NinjaScriptHarness,
) -> None:
    queries = harness.values("queries", "ES 12-25", "topstep-1", "2025-11-18T15:00:00Z")

    automated = SignalsQuery.model_validate(dict(parse_qsl(queries["automated"], strict_parsing=True)))
    assert automated.model_dump(exclude_defaults=True) == {
        "asset_class": "futures",
        "symbol": "ES 12-25",
        "account": "topstep-1",
        "status": "routed",
        "since": 1763478000000,
    }
    indicator = SignalsQuery.model_validate(dict(parse_qsl(queries["indicator"], strict_parsing=True)))
    assert (indicator.status, indicator.symbol, indicator.since) == (None, "ES 12-25", 1763478000000 - 3_600_000)
    anyone = SignalsQuery.model_validate(dict(parse_qsl(queries["indicator-any-account"], strict_parsing=True)))
    assert anyone.account is None


def test_the_scripts_read_a_signals_page_with_its_nested_records_and_next_token(harness: NinjaScriptHarness) -> None:
    inner = {"signal_id": "sig-9", "side": "sell", "quantity": "2", "symbol": "ES 12-25", "limit_price": "5010.25"}
    record = {
        "signal_id": "sig-9",
        "status": "routed",
        "asset_class": "futures",
        "symbol": "ES 12-25",
        "account": "topstep-1",
        "side": "sell",
        "quantity": "2",
        "signal": {**inner, "bar_time": 1763478000000},
        "checks": [{"name": "exposure", "passed": True, "detail": {"limit": "1.5"}}],
    }
    body = json.dumps({"signals": [record, {"signal_id": "not a signal"}], "next_token": "eyJwayI6IHsiUyI6ICJ4In19"})

    lines = harness.run("parse-signals", stdin=body)

    assert lines[0] == {
        "signal_id": "sig-9",
        "status": "routed",
        "asset_class": "futures",
        "symbol": "ES 12-25",
        "account": "topstep-1",
        "side": "sell",
        "quantity": 2,
        "limit_price": "5010.25",
        "bar_time_ms": 1763478000000,
    }
    assert lines[1:] == [{"name": "next_token", "value": "eyJwayI6IHsiUyI6ICJ4In19"}]


def test_the_relay_places_no_order() -> None:
    relay = (Path(__file__).resolve().parents[3] / "ninja_bridge" / "ninjascript" / "FKSSignalRelay.cs").read_text()

    # NT8's managed and unmanaged order methods, and the account's own.
    assert (
        re.search(r"\b(Enter|Exit)(Long|Short)\w*\(|\bSubmitOrder\w*\(|\.(Submit|CreateOrder|Flatten)\(", relay) is None
    )
