"""Reconciliation on the local stack: after an order sync, engine positions against the
simulator's balances and the NinjaTrader bridge's reports; a mismatch halts that account, and the
halt says why."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from fks_adapters.exchanges import make_exchange
from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET
from tests.integration.conftest import module_stack
from tests.integration.market_data_helpers import invoke
from tests.integration.pipeline_helpers import new_signal, priced_markets, run
from tests.stack_handle import StackHandle

# Moves prices, reconciles or counts collection: see ``stack_of_its_own``.
local_stack = module_stack("reconcile")


pytestmark = pytest.mark.moto_only
SPOT = "binance-spot"


def _state(stack: StackHandle, account: str) -> str:
    item = stack.clients("dynamodb").get_item(
        TableName=stack.deployed.physical_id("RiskStateTable"), Key={"account": {"S": account}}, ConsistentRead=True
    )
    return str(item.get("Item", {}).get("state", {}).get("S", "active"))


def _halt_reason(stack: StackHandle, account: str) -> str | None:
    item = stack.clients("dynamodb").get_item(
        TableName=stack.deployed.physical_id("RiskStateTable"), Key={"account": {"S": account}}, ConsistentRead=True
    )
    reason = item.get("Item", {}).get("halt_reason", {}).get("S")
    return None if reason is None else str(reason)


@pytest.fixture
def reconciled(local_stack: StackHandle) -> Iterator[StackHandle]:
    """A stack whose spot account trades BTC through the engine, reconciled once; afterwards
    the venue's holdings are adopted again and trading resumed, as an operator would."""
    priced_markets(local_stack, "BTC/USDT")
    assert run(local_stack, new_signal())["status"] == "SUCCEEDED"
    invoke(local_stack, "ReconcileFunction", {"rebaseline": True})
    yield local_stack
    invoke(local_stack, "ReconcileFunction", {"rebaseline": True})
    local_stack.api("POST", "/risk/resume", scope="admin")


def test_positions_that_agree_leave_trading_on(reconciled: StackHandle) -> None:
    assert run(reconciled, new_signal())["status"] == "SUCCEEDED"  # the engine buys more, the venue agrees

    result = invoke(reconciled, "ReconcileFunction", {})

    assert result["mismatches"] == []
    assert _state(reconciled, SPOT) == "active"


def test_a_trade_the_engine_never_saw_halts_the_account(reconciled: StackHandle) -> None:
    exchange = make_exchange(
        "binance", base_url=reconciled.exchange_url, api_key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET
    )
    exchange.create_order("BTC/USDT", "market", "buy", 0.05)  # behind the platform's back

    result = invoke(reconciled, "ReconcileFunction", {})

    assert [m["asset"] for m in result["mismatches"]] == ["BTC"]
    assert [Decimal(f["quantity"]) for f in result["foreign_fills"]] == [Decimal("0.05")]
    assert result["halted"] == [SPOT]
    assert _state(reconciled, SPOT) == "halted"
    assert _halt_reason(reconciled, SPOT) == "foreign_fill"  # the sync that reconciliation runs first saw it
    denied = new_signal()
    run(reconciled, denied)
    record = reconciled.api("GET", f"/signals/{denied['signal_id']}", scope="read").json()["signal"]
    assert record["status"] == "denied"
    assert "halted" in record["reason"]


def test_engine_position_that_disagrees_with_the_venue_halts_with_that_reason(reconciled: StackHandle) -> None:
    table = reconciled.deployed.physical_id("PositionsTable")
    key = {"account": {"S": SPOT}, "symbol": {"S": "BTCUSDT"}}
    dynamodb = reconciled.clients("dynamodb")
    stored = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    # A lost update in the engine's book: its position no longer matches what the venue holds.
    dynamodb.put_item(TableName=table, Item={**stored, "quantity": {"N": str(Decimal(stored["quantity"]["N"]) + 1)}})
    try:
        result = invoke(reconciled, "ReconcileFunction", {})
    finally:
        dynamodb.put_item(TableName=table, Item=stored)

    assert [m["asset"] for m in result["mismatches"]] == ["BTC"]
    assert result["foreign_fills"] == []
    assert (_state(reconciled, SPOT), _halt_reason(reconciled, SPOT)) == ("halted", "reconciliation_mismatch")


def test_bridge_report_that_disagrees_with_its_fills_halts_that_account_only(reconciled: StackHandle) -> None:
    table = reconciled.deployed.physical_id("NinjaPositionsTable")
    reconciled.clients("dynamodb").put_item(
        TableName=table,
        Item={
            "account": {"S": "TOPSTEP-TEST"},
            "symbol": {"S": "MES 12-25"},
            "quantity": {"N": "2"},
            "reported_quantity": {"N": "3"},
        },
    )
    try:
        result = invoke(reconciled, "ReconcileFunction", {})
    finally:
        reconciled.clients("dynamodb").delete_item(
            TableName=table, Key={"account": {"S": "TOPSTEP-TEST"}, "symbol": {"S": "MES 12-25"}}
        )

    halted = _state(reconciled, "TOPSTEP-TEST")
    reconciled.clients("dynamodb").delete_item(  # the shared stack's health must not stay red
        TableName=reconciled.deployed.physical_id("RiskStateTable"), Key={"account": {"S": "TOPSTEP-TEST"}}
    )
    assert result["halted"] == ["TOPSTEP-TEST"]
    assert halted == "halted"
    assert _state(reconciled, SPOT) == "active"
