"""Orders tracked to the end on the local stack: every fill booked once into the portfolio,
whichever way it arrives (the place answer, a replay, a sync), and an account's orders listed."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from fks.execution import OPEN_ORDER_STATUSES
from tests.integration.execution_helpers import api, order_command, resting_buy_price
from tests.integration.pipeline_helpers import new_signal, priced_markets, run, signal_record
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
DIRECT = "_direct"  # the portfolio's book of orders placed through POST /orders


def _books(stack: StackHandle) -> dict[tuple[str, str], Decimal]:
    portfolio = stack.api("GET", "/portfolio", scope="read").json()
    return {
        (strategy["strategy_id"], book["symbol"]): Decimal(book["quantity"])
        for strategy in portfolio["strategies"]
        for book in strategy["books"]
    }


def _invoke(stack: StackHandle, logical_id: str, event: dict[str, Any]) -> dict[str, Any]:
    response = stack.clients("lambda").invoke(FunctionName=stack.function(logical_id), Payload=json.dumps(event))
    body: dict[str, Any] = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


@pytest.fixture(scope="module")
def priced(local_stack: StackHandle) -> StackHandle:
    priced_markets(local_stack, "BTC/USDT")
    return local_stack


def test_market_order_placed_through_the_api_is_booked_once_in_the_direct_book(priced: StackHandle) -> None:
    before = _books(priced).get((DIRECT, "BTC/USDT"), Decimal(0))
    command = order_command(quantity="0.002")

    placed, report = api(priced, "POST", "/orders", command)
    replayed, _ = api(priced, "POST", "/orders", command)  # a client's retry: the engine replays

    assert (placed, replayed) == (201, 200)
    assert report["order"]["status"] == "filled"
    assert _books(priced)[(DIRECT, "BTC/USDT")] == before + Decimal("0.002")


def test_orders_are_listed_open_first_then_newest(priced: StackHandle) -> None:
    resting = order_command(type="limit", price=resting_buy_price(priced), quantity="0.001")
    assert api(priced, "POST", "/orders", resting)[0] == 201
    newer = order_command()
    assert api(priced, "POST", "/orders", newer)[0] == 201

    status, listing = api(priced, "GET", "/orders")
    _, open_only = api(priced, "GET", "/orders?status=open")

    assert status == 200
    ids = [order["client_order_id"] for order in listing["orders"]]
    opens = [order for order in listing["orders"] if order["status"] in OPEN_ORDER_STATUSES]
    assert ids[: len(opens)] == [order["client_order_id"] for order in opens]
    assert resting["client_order_id"] in ids[: len(opens)]
    assert ids.index(newer["client_order_id"]) == len(opens)  # the newest of the rest comes next
    assert all("fills" not in order for order in listing["orders"])
    assert resting["client_order_id"] in {order["client_order_id"] for order in open_only["orders"]}
    assert newer["client_order_id"] not in {order["client_order_id"] for order in open_only["orders"]}
    api(priced, "DELETE", f"/orders/{resting['client_order_id']}")


@pytest.mark.parametrize("query", ["limit=0", "status=closed", "account=has%20space", "surprise=1"])
def test_listing_with_bad_query_is_a_400_naming_it(priced: StackHandle, query: str) -> None:
    status, body = api(priced, "GET", f"/orders?{query}")

    assert status == 400
    assert query.split("=")[0] in json.dumps(body)


def test_pipeline_fill_delivered_again_and_concurrently_is_booked_once(priced: StackHandle) -> None:
    strategy = f"once-{uuid.uuid4().hex[:8]}"
    signal = new_signal(strategy_id=strategy, quantity="0.003")
    assert run(priced, signal)["status"] == "SUCCEEDED"
    report = signal_record(priced, signal["signal_id"])["report"]
    replay = {**report, "fills": [], "duplicate": True}  # what a retried execute_order answers
    # As the state machine hands the state its input: the execution's name is the signal id.
    state = {"signal_id": signal["signal_id"], "signal": signal}
    deliveries = [{**state, "report": report}, {**state, "report": replay}]

    # Two at once (each a cold start of its own on this runtime: more would only measure the machine).
    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        outcomes = list(pool.map(lambda event: _invoke(priced, "UpdatePortfolioFunction", event), deliveries))
    outcomes += [_invoke(priced, "UpdatePortfolioFunction", event) for event in deliveries]

    assert sum(outcome["fills_booked"] for outcome in outcomes) == 0  # the pipeline booked it already
    assert _books(priced)[(strategy, "BTC/USDT")] == Decimal("0.003")


def test_fill_whose_booking_was_lost_is_booked_from_the_replay(priced: StackHandle) -> None:
    # The pipeline's UpdatePortfolio never ran for this order (its signal ends before it): the
    # engine's replay of the order, delivered twice at once, books the fill once.
    strategy = f"lost-{uuid.uuid4().hex[:8]}"
    signal = new_signal(strategy_id=strategy, quantity="0.002")
    command = {**order_command(quantity="0.002"), "signal_id": signal["signal_id"]}
    placed = _invoke(priced, "ExecuteOrderFunction", command)
    replay = _invoke(priced, "ExecuteOrderFunction", command)
    state = {"signal_id": signal["signal_id"], "signal": signal}  # as the state machine hands it
    assert Decimal(placed["filled_qty"]) == Decimal(replay["filled_qty"]) == Decimal("0.002")
    assert replay["fills"] == []

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(
            pool.map(lambda _: _invoke(priced, "UpdatePortfolioFunction", {**state, "report": replay}), range(2))
        )

    assert sorted(outcome["fills_booked"] for outcome in outcomes) == [0, 1]
    assert _books(priced)[(strategy, "BTC/USDT")] == Decimal("0.002")
    # The place answer arriving last finds the quantity booked and adds nothing.
    assert _invoke(priced, "UpdatePortfolioFunction", {**state, "report": placed})["fills_booked"] == 0
    assert _books(priced)[(strategy, "BTC/USDT")] == Decimal("0.002")
