"""Paper trading, the default deployable mode, on a stack of its own with no exchange key at all:
orders fill against the venue's public market data, a resting paper order fills at the sync after
the price crosses it, the portfolio books it, a strategy's closing signal over resting exits cancels
them first, and reconciliation checks the paper book against itself."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.integration.conftest import STACK_PARAMETERS
from tests.integration.execution_helpers import order_command, position_quantity, risk_state_item
from tests.integration.market_data_helpers import enable
from tests.integration.pipeline_helpers import new_signal, run, signal_record
from tests.stack_handle import StackHandle, running_stack

pytestmark = pytest.mark.moto_only
SYMBOL = "BTCUSDT"


def _invoke(stack: StackHandle, logical_id: str, event: dict[str, Any] | None = None) -> dict[str, Any]:
    response = stack.clients("lambda").invoke(FunctionName=stack.function(logical_id), Payload=json.dumps(event or {}))
    body: dict[str, Any] = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


def _api(stack: StackHandle, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    response = stack.api(method, path, scope="admin", json=body)
    return response.status_code, response.json() if response.content else None


def _direct_book(stack: StackHandle) -> Decimal:
    portfolio = stack.api("GET", "/portfolio", scope="read").json()
    books = [b for s in portfolio["strategies"] if s["strategy_id"] == "_direct" for b in s["books"]]
    return sum((Decimal(b["quantity"]) for b in books if b["symbol"] == "BTC/USDT"), Decimal(0))


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    parameters = {**STACK_PARAMETERS, "TradingMode": "paper", "Stage": "paper"}
    with running_stack(tmp_path_factory.mktemp("paper-stack"), parameters, stack_name="fks-paper") as stack:
        secrets = stack.clients("secretsmanager")
        for logical_id in ("TradingSecret", "ReconcileExchangeSecret"):  # no key of any kind
            secrets.delete_secret(SecretId=stack.deployed.physical_id(logical_id), ForceDeleteWithoutRecovery=True)
        assert enable(stack, "BTC/USDT").status_code == 200
        _invoke(stack, "CollectOhlcvFunction")
        yield stack


def test_paper_market_order_fills_at_the_venues_price_without_touching_the_venue(paper: StackHandle) -> None:
    command = order_command(quantity="0.002")
    venue_btc = paper.simulator.balance("BTC")

    status, body = _api(paper, "POST", "/orders", command)

    assert status == 201, body
    order = body["order"]
    assert order["status"] == "filled"
    last = Decimal(str(paper.simulator.price(SYMBOL)))
    assert abs(Decimal(order["avg_fill_price"]) - last) <= last * Decimal("0.01")
    assert paper.simulator.venue_orders(command["client_order_id"]) == []
    assert paper.simulator.balance("BTC") == venue_btc
    assert _direct_book(paper) >= Decimal("0.002")


def test_resting_paper_order_fills_at_the_sync_after_the_price_crosses_it(paper: StackHandle) -> None:
    book = _direct_book(paper)
    price = (Decimal(str(paper.simulator.price(SYMBOL))) * Decimal("0.99")).quantize(Decimal("0.01"))
    command = order_command(type="limit", price=str(price), quantity="0.001")
    status, body = _api(paper, "POST", "/orders", command)
    assert status == 201, body
    assert body["order"]["status"] == "accepted"
    paper.simulator.set_price(SYMBOL, (price * Decimal("0.995")).quantize(Decimal("0.01")))

    # The paper venue judges a resting order on the candles since its placement: the minute that
    # crossed it may have to close first, so the sync runs until it does.
    deadline = time.monotonic() + 150
    order_status = "accepted"
    while order_status != "filled" and time.monotonic() < deadline:
        assert _invoke(paper, "SyncOrdersFunction")["reached"] is True
        order_status = _api(paper, "GET", f"/orders/{command['client_order_id']}")[1]["order"]["status"]
        time.sleep(0 if order_status == "filled" else 10)

    assert order_status == "filled"
    assert _direct_book(paper) == book + Decimal("0.001")


def test_strategys_closing_signal_cancels_its_resting_exits_and_closes_the_position(paper: StackHandle) -> None:
    position = position_quantity(paper)
    opening = new_signal(quantity="0.002", protection={"stop_loss_pct": "3", "take_profit_pct": "5"})
    assert run(paper, opening)["status"] == "SUCCEEDED"
    exits = signal_record(paper, opening["signal_id"])["report"]["exits"]
    assert [(e["kind"], e["status"]) for e in exits] == [("oco", "accepted"), ("oco", "accepted")], exits

    # The exits lock the 0.002 BTC on the paper venue, as on Binance: the strategy's sell cancels
    # them first, then sells.
    closing = new_signal(side="sell", quantity="0.002")
    assert run(paper, closing)["status"] == "SUCCEEDED"
    _invoke(paper, "SyncOrdersFunction")

    assert signal_record(paper, closing["signal_id"])["report"]["status"] == "filled"
    statuses = [_api(paper, "GET", f"/orders/{e['client_order_id']}")[1]["order"]["status"] for e in exits]
    assert statuses == ["canceled", "canceled"]
    assert position_quantity(paper) == position
    status, body = _api(paper, "GET", "/orders?status=open")
    assert (status, body["orders"]) == (200, [])
    balances = {k: Decimal(v["N"]) for k, v in risk_state_item(paper).items() if k.startswith("paper_balance_")}
    assert balances, "the paper account keeps its balances"
    assert all(amount >= 0 for amount in balances.values()), balances


def test_reconciliation_checks_the_paper_book_against_itself(paper: StackHandle) -> None:
    result = _invoke(paper, "ReconcileFunction")

    assert result["mismatches"] == []
    assert result["halted"] == []
    assert result["skipped"] is None
