"""The Rust engine through its Python bindings: submit, deny, positions, circuit breaker."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fks.errors import BadRequest, Conflict, NotFound, PermanentError, RateLimited, RiskDenied
from tests.unit.execution.stubs import MARK, OrderStubs, engine


def test_submit_market_buy_fills_and_reports_long_position() -> None:
    eng = engine(fee_bps="10")

    report = json.loads(eng.submit(OrderStubs.market_buy(), 1, MARK))

    assert report["status"] == "filled"
    assert Decimal(report["filled_qty"]) == Decimal("0.001")
    assert report["position"]["side"] == "long"
    assert Decimal(report["fees"]) == Decimal("0.042")


def test_submit_same_client_order_id_twice_reports_duplicate_without_second_fill() -> None:
    eng = engine()
    eng.submit(OrderStubs.market_buy(), 1, MARK)

    again = json.loads(eng.submit(OrderStubs.market_buy(), 2, MARK))

    assert again["duplicate"] is True
    position = json.loads(eng.position("BTCUSDT", MARK) or "null")
    assert Decimal(position["quantity"]) == Decimal("0.001")


def test_submit_reused_client_order_id_with_other_content_is_conflict() -> None:
    eng = engine()
    eng.submit(OrderStubs.market_buy(), 1, MARK)

    with pytest.raises(Conflict) as raised:
        eng.submit(OrderStubs.market_buy(quantity="0.002"), 2, MARK)

    assert raised.value.details["reason"] == "client_order_id_reused"


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (OrderStubs.market_buy(quantity="0"), "non_positive_quantity"),
        (OrderStubs.market_buy(quantity="-1"), "non_positive_quantity"),
        (OrderStubs.limit_buy(price="41000.001"), "price_off_tick"),
        (OrderStubs.market_buy(symbol="NOPEUSDT"), "unknown_instrument"),
        (OrderStubs.market_buy(quantity="0.0001"), "notional_below_minimum"),
    ],
)
def test_submit_bad_command_is_bad_request_naming_the_reason(command: str, reason: str) -> None:
    eng = engine()

    with pytest.raises(BadRequest) as raised:
        eng.submit(command, 1, MARK)

    assert raised.value.details["reason"] == reason
    assert eng.open_orders() == 0


def test_submit_malformed_json_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="order command"):
        engine().submit('{"client_order_id": "o-1", "quantity": 1}', 1, MARK)


def test_submit_over_max_order_notional_is_risk_denied_naming_the_rule() -> None:
    eng = engine({"max_order_notional": "10"})

    with pytest.raises(RiskDenied) as raised:
        eng.submit(OrderStubs.market_buy(), 1, MARK)

    assert isinstance(raised.value, PermanentError)
    assert raised.value.details["rule"] == "max_order_notional"


def test_submit_over_order_rate_is_rate_limited() -> None:
    eng = engine({"order_rate": {"max_orders": 1, "window_ms": 1000}})
    eng.submit(OrderStubs.market_buy("o-1"), 1, MARK)

    with pytest.raises(RateLimited):
        eng.submit(OrderStubs.market_sell("o-2"), 2, MARK)


def test_halt_denies_new_orders_and_reducing_allows_only_reducing_ones() -> None:
    eng = engine()
    eng.submit(OrderStubs.market_buy("o-1"), 1, MARK)
    eng.halt()

    with pytest.raises(RiskDenied):
        eng.submit(OrderStubs.market_buy("o-2"), 2, MARK)
    eng.resume()
    assert eng.set_reducing() is True
    with pytest.raises(RiskDenied):
        eng.submit(OrderStubs.market_buy("o-3"), 3, MARK)
    reduced = json.loads(eng.submit(OrderStubs.market_sell("o-4"), 4, MARK))

    assert eng.trading_state() == "reducing"
    assert reduced["position"]["side"] == "flat"


def test_round_trip_realizes_pnl_in_decimal() -> None:
    eng = engine()
    eng.submit(OrderStubs.market_buy("o-1"), 1, "42000")

    report = json.loads(eng.submit(OrderStubs.market_sell("o-2"), 2, "42100.50"))

    assert Decimal(report["position"]["realized_pnl"]) == Decimal("0.1005")
    assert Decimal(eng.total_pnl()) == Decimal("0.1005")


def test_resting_limit_fills_on_mark_update_and_cancel_of_unknown_is_not_found() -> None:
    eng = engine()
    eng.submit(OrderStubs.limit_buy("o-1", price="41000.00"), 1, MARK)
    assert eng.open_orders() == 1

    updates = [json.loads(r) for r in eng.update_mark("BTCUSDT", "40999.00", 2)]

    assert [u["status"] for u in updates] == ["filled"]
    assert json.loads(eng.order("o-1") or "null")["status"] == "filled"
    with pytest.raises(NotFound):
        eng.cancel("nope", 3)


def test_cancel_resting_limit_reports_canceled() -> None:
    eng = engine()
    eng.submit(OrderStubs.limit_buy("o-1"), 1, MARK)

    report = json.loads(eng.cancel("o-1", 2))

    assert report["status"] == "canceled"
    assert eng.open_orders() == 0
