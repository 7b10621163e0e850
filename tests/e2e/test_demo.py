"""``fks demo`` is the real loop: on a paper stack with no key, the scheduled ``generate_signals``
signals a 1m strategy's closed bar, the pipeline fills it on the paper venue, and the position is
protected by an OCO, booked to the strategy and kept by the order sync.

One run of the demo's loop (a few minutes of real schedules); the facts are read from what the
demo read back through the API, so this checks the loop happened, not only the exit code.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

import pytest

from fks.signal_generation import signal_id_for
from fks_cli import demo
from fks_cli.paper_loop import SYMBOL, signal_field

pytestmark = pytest.mark.moto_only


@pytest.fixture(scope="module")
def outcome() -> demo.DemoOutcome:
    # In a process of its own, as `make run` runs it: the emulator (moto's in-process server) keeps
    # its services in the process, so the demo's stack must not share them with this session's.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        result, _ = pool.submit(demo.run_demo).result()
    return result


def test_the_demo_completes_the_loop(outcome: demo.DemoOutcome) -> None:
    assert outcome.ok, outcome.failures


def test_the_signal_is_the_scheduled_generation_of_a_closed_minute(outcome: demo.DemoOutcome) -> None:
    signal = outcome.signal
    bar_time = int(signal_field(signal, "bar_time"))

    assert signal_field(signal, "strategy_id") == outcome.strategy_id
    assert signal_field(signal, "timeframe") == "1m"
    assert bar_time % 60_000 == 0
    # The id generate_signals derives from the strategy and the bar: nothing else names a signal so.
    assert signal_field(signal, "signal_id") == signal_id_for(outcome.strategy_id, SYMBOL, "1m", bar_time)
    assert signal_field(signal, "side") == "buy"
    assert outcome.execution["status"] == "SUCCEEDED"
    assert signal["status"] == "completed"


def test_the_entry_filled_on_the_paper_venue_and_opened_the_position(outcome: demo.DemoOutcome) -> None:
    quantity = Decimal(demo.QUANTITY)

    assert outcome.order["status"] == "filled"
    assert Decimal(str(outcome.order["filled_qty"])) == quantity
    assert Decimal(str(outcome.order["avg_fill_price"])) > 0
    (position,) = [p for p in outcome.positions if p["symbol"] == "BTCUSDT"]
    assert Decimal(str(position["quantity"])) == quantity
    assert position["side"] == "long"


def test_the_position_is_protected_by_working_exit_orders(outcome: demo.DemoOutcome) -> None:
    exit_ids = {e["client_order_id"] for e in outcome.exits}
    working = {o["client_order_id"]: o for o in outcome.open_orders}

    assert {e["kind"] for e in outcome.exits} == {"oco"}  # the stop loss and the take profit, one list
    assert exit_ids
    assert exit_ids <= set(working)
    assert {working[i]["side"] for i in exit_ids} == {"sell"}


def test_the_fill_is_booked_to_the_strategy_and_the_sync_reached_the_paper_venue(outcome: demo.DemoOutcome) -> None:
    (strategy,) = [s for s in outcome.portfolio["strategies"] if s["strategy_id"] == outcome.strategy_id]
    books = {b["symbol"]: Decimal(str(b["quantity"])) for b in strategy["books"]}

    assert books == {SYMBOL: Decimal(demo.QUANTITY)}
    assert outcome.sync.get("reached") is True
    assert outcome.health_status == 200
