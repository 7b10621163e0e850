"""The circuit breaker of the deployed Rust execute_order function lives in the RiskStateTable:
a daily-loss breach or a run of exchange errors halts trading for every later invocation, and
only POST /risk/resume lifts it. The stack's limits are template.yaml's ExecutionRiskLimits
default: a daily loss of 1000 USDT, 5 exchange errors in a row."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.integration.execution_helpers import (
    ACCOUNT,
    api,
    invoke,
    order_command,
    risk_state_item,
    set_trading_state,
)
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
MAX_EXCHANGE_ERRORS = 5


@pytest.fixture
def clean_breaker(local_stack: StackHandle) -> Iterator[None]:
    """Whatever a test trips, later tests find the account active with nothing counted."""
    set_trading_state(local_stack, None)
    yield
    if local_stack.simulator is not None:
        local_stack.simulator.clear_errors()
    set_trading_state(local_stack, None)


def _seed_losing_position(local_stack: StackHandle) -> tuple[str, dict[str, dict[str, str]]]:
    """A long 0.1 ETH bought at 100 000: selling it at the simulator's price realizes a loss far
    beyond the 1000 limit, whatever the price has drifted to."""
    table = local_stack.deployed.physical_id("PositionsTable")
    key = {"account": {"S": ACCOUNT}, "symbol": {"S": "ETHUSDT"}}
    item = {
        **key,
        "side": {"S": "long"},
        "quantity": {"N": "0.1"},
        "avg_entry_price": {"N": "100000"},
        "realized_pnl": {"N": "0"},
        "fees": {"N": "0"},
        "version": {"N": "1"},
    }
    local_stack.clients("dynamodb").put_item(TableName=table, Item=item)
    return table, key


@pytest.mark.usefixtures("clean_breaker")
def test_realized_daily_loss_halts_later_invocations_until_resume(local_stack: StackHandle) -> None:
    table, key = _seed_losing_position(local_stack)
    try:
        _, closing = invoke(local_stack, order_command(symbol="ETHUSDT", side="sell", quantity="0.1"))
        state = risk_state_item(local_stack)
        _, denied = invoke(local_stack, order_command())
        resume_status, _ = api(local_stack, "POST", "/risk/resume")
        after_resume = risk_state_item(local_stack)
    finally:
        local_stack.clients("dynamodb").delete_item(TableName=table, Key=key)

    assert closing["status"] == "filled", closing
    assert (state["state"]["S"], state["halt_reason"]["S"]) == ("halted", "daily_loss")
    assert Decimal(state["day_pnl"]["N"]) < Decimal(-1000)
    assert denied["errorType"] == "RiskDenied"
    assert "DailyLoss" in denied["errorMessage"]
    # Resume lifts the halt but keeps the day's loss, so the limit still applies today.
    assert resume_status == 200
    assert after_resume["state"]["S"] == "active"
    assert after_resume["day_pnl"] == state["day_pnl"]


@pytest.mark.usefixtures("clean_breaker")
def test_exchange_errors_in_a_row_halt_later_invocations_until_resume(local_stack: StackHandle) -> None:
    assert local_stack.simulator is not None
    local_stack.simulator.inject_error("order", http_status=503, method="POST", times=MAX_EXCHANGE_ERRORS)

    failures = [invoke(local_stack, order_command())[1]["errorType"] for _ in range(MAX_EXCHANGE_ERRORS)]
    tripped = risk_state_item(local_stack)
    _, denied = invoke(local_stack, order_command())
    resume_status, _ = api(local_stack, "POST", "/risk/resume")
    response, resumed = invoke(local_stack, order_command())

    assert failures == ["TemporaryError"] * MAX_EXCHANGE_ERRORS
    assert (tripped["state"]["S"], tripped["halt_reason"]["S"]) == ("halted", "exchange_errors")
    assert tripped["consecutive_exchange_errors"]["N"] == str(MAX_EXCHANGE_ERRORS)
    assert denied["errorType"] == "RiskDenied"
    assert resume_status == 200
    assert "FunctionError" not in response, resumed
    assert resumed["status"] == "filled"
    assert risk_state_item(local_stack)["consecutive_exchange_errors"]["N"] == "0"


@pytest.mark.usefixtures("clean_breaker")
def test_a_fill_between_exchange_errors_resets_the_stored_count(local_stack: StackHandle) -> None:
    assert local_stack.simulator is not None
    local_stack.simulator.inject_error("order", http_status=503, method="POST", times=2)
    for _ in range(2):
        invoke(local_stack, order_command())
    counted = risk_state_item(local_stack)["consecutive_exchange_errors"]["N"]

    _, report = invoke(local_stack, order_command())

    assert counted == "2"
    assert report["status"] == "filled"
    assert risk_state_item(local_stack)["consecutive_exchange_errors"]["N"] == "0"
    assert risk_state_item(local_stack).get("state", {"S": "active"})["S"] == "active"
