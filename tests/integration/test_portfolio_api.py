"""The portfolio through the local API: valuation, allocations, history, rebalancing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.market_data_helpers import invoke
from tests.integration.pipeline_helpers import new_signal, priced_markets, run, wait_for_status
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only


@pytest.fixture(scope="module")
def traded(local_stack: StackHandle) -> StackHandle:
    priced_markets(local_stack, "BTC/USDT", "ETH/USDT")
    assert run(local_stack, new_signal())["status"] == "SUCCEEDED"
    return local_stack


def test_portfolio_values_cash_and_positions_at_the_last_close(traded: StackHandle) -> None:
    portfolio = traded.api("GET", "/portfolio", scope="read").json()

    positions = {p["symbol"]: p for p in portfolio["positions"]}
    btc = positions["BTC/USDT"]
    assert btc["price_is_stale"] is False
    assert Decimal(btc["market_value"]) == (Decimal(btc["quantity"]) * Decimal(btc["price"])).quantize(Decimal("0.01"))
    assert Decimal(portfolio["equity"]) == Decimal(portfolio["cash"]) + Decimal(portfolio["positions_value"])
    assert any(s["strategy_id"] == "sma_cross" for s in portfolio["strategies"])


def test_scheduled_snapshot_extends_the_equity_history(traded: StackHandle) -> None:
    before = traded.api("GET", "/portfolio/history", scope="read").json()["snapshots"]

    snapshot = invoke(traded, "SnapshotPortfolioFunction", {})

    after = traded.api("GET", "/portfolio/history", scope="read").json()["snapshots"]
    assert len(after) == len(before) + 1
    assert after[-1]["equity"] == snapshot["equity"]
    # At cents, as taken: DynamoDB gives 100064.50 back as 100064.5 (MiniStack does, as AWS).
    assert all(Decimal(after[-1][k]).as_tuple().exponent == -2 for k in ("equity", "cash", "positions_value"))


def test_history_with_start_after_end_is_a_400_naming_it(traded: StackHandle) -> None:
    response = traded.api("GET", "/portfolio/history", scope="read", params={"start": 10, "end": 5})

    assert response.status_code == 400
    assert "start" in response.text


def test_allocations_over_all_equity_are_refused_and_valid_ones_cap_the_strategy(traded: StackHandle) -> None:
    too_much = traded.api("PUT", "/portfolio/allocations", json={"allocations": {"a": "0.7", "b": "0.6"}})
    assert too_much.status_code == 400
    assert "more than 1" in too_much.text
    assert (
        traded.api("PUT", "/portfolio/allocations", scope="trade", json={"allocations": {"a": "0.1"}}).status_code
        == 403
    )

    tiny = traded.api("PUT", "/portfolio/allocations", json={"allocations": {"capped": "0.0001"}})
    assert tiny.status_code == 200, tiny.text
    signal = new_signal(strategy_id="capped")
    run(traded, signal)
    record = traded.api("GET", f"/signals/{signal['signal_id']}", scope="read").json()["signal"]
    traded.api("PUT", "/portfolio/allocations", json={"allocations": {}})

    assert record["status"] == "denied"
    assert "strategy_allocation" in record["reason"]


def test_rebalance_is_a_dry_run_by_default_and_sends_signals_when_asked(traded: StackHandle) -> None:
    body = {"targets": {"ETH/USDT": "0.01"}}

    dry = traded.api("POST", "/portfolio/rebalance", scope="trade", json=body)

    assert dry.status_code == 200, dry.text
    orders = dry.json()["orders"]
    assert [(o["symbol"], o["side"]) for o in orders] == [("ETH/USDT", "buy")]
    assert "signals" not in dry.json()

    sent = traded.api("POST", "/portfolio/rebalance", scope="trade", json={**body, "dry_run": False})

    assert sent.status_code == 200, sent.text
    (signal,) = sent.json()["signals"]
    assert signal["outcome"] == "sent"
    record = wait_for_status(traded, signal["signal_id"], "completed", timeout_s=90)
    assert record["strategy_id"] == "rebalance"
    assert Decimal(record["report"]["filled_qty"]) == Decimal(orders[0]["quantity"])


def test_rebalance_to_weights_over_one_is_a_400(traded: StackHandle) -> None:
    response = traded.api(
        "POST", "/portfolio/rebalance", scope="trade", json={"targets": {"BTC/USDT": "0.8", "ETH/USDT": "0.5"}}
    )

    assert response.status_code == 400
    assert "more than 1" in response.text
