"""``fks.execution.ExecutionReport`` is the Rust engine's report, field for field: pinned to the
JSON the core crate's own contract test writes (rust_lambda/crates/fks_execution_core/tests/
fixtures/execution_report.json, asserted there against the engine's output), and checked on the
reports the engine answers through its Python bindings (filled, resting, canceled, replayed)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fks.execution import ExecutionReport
from tests.unit.execution.stubs import MARK, OrderStubs, engine

PINNED = Path(__file__).parents[3] / "rust_lambda/crates/fks_execution_core/tests/fixtures/execution_report.json"


def _pinned() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PINNED.read_text())
    return document


def _same_fields(report: ExecutionReport, rust: dict[str, Any]) -> None:
    """Every field the engine wrote is the model's, with the same value once read back."""
    dumped = report.model_dump(mode="json", exclude_unset=True)
    assert set(dumped) == set(rust)
    for name, value in rust.items():
        assert dumped[name] == value, name


def test_the_pinned_rust_report_parses_field_for_field() -> None:
    rust = _pinned()

    report = ExecutionReport.model_validate(rust)

    _same_fields(report, rust)
    assert report.filled_qty == Decimal("0.01000")
    assert report.fills[0].trade_id == "T1"
    assert report.position is not None
    assert report.position.side == "long"
    assert (report.symbol, report.unified_symbol) == ("BTCUSDT", "BTC/USDT")


def test_a_report_rebuilt_from_a_stored_order_has_no_unified_symbol() -> None:
    # The engine writes unified_symbol only when it knew the instrument (a sync's reports do not).
    rust = {name: value for name, value in _pinned().items() if name != "unified_symbol"}

    assert ExecutionReport.model_validate(rust).unified_symbol is None


def test_every_model_field_is_one_the_engine_writes() -> None:
    assert set(ExecutionReport.model_fields) == set(_pinned())


@pytest.mark.parametrize(
    ("name", "value"),
    [("status", "done"), ("type", "iceberg"), ("side", "hold"), ("filled_qty", "lots"), ("surprise", 1)],
)
def test_a_report_off_the_contract_is_refused(name: str, value: object) -> None:
    with pytest.raises(ValidationError, match=name):
        ExecutionReport.model_validate({**_pinned(), name: value})


def test_the_engines_answers_parse_filled_resting_canceled_and_replayed() -> None:
    eng = engine(fee_bps="10")
    answers = [
        eng.submit(OrderStubs.market_buy(), 1, MARK),
        eng.submit(OrderStubs.limit_buy(client_order_id="rest-1", price="30000.00"), 2, MARK),
        eng.cancel("rest-1", 3),
        eng.submit(OrderStubs.market_buy(), 4, MARK),
    ]

    reports = [ExecutionReport.model_validate_json(answer) for answer in answers]

    for report, answer in zip(reports, answers, strict=True):
        _same_fields(report, json.loads(answer))
    assert [r.status for r in reports] == ["filled", "accepted", "canceled", "filled"]
    assert (reports[1].avg_fill_price, reports[1].fills) == (None, ())
    assert reports[3].duplicate
    assert {r.unified_symbol for r in reports} == {"BTC/USDT"}
