"""ccxt's real binance class trading stops, OCOs and late fills on the simulator over HTTP, with the
price moved and faults injected through the simulator's /sim/ endpoints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ccxt
import pytest

from fks_adapters.exchanges import make_exchange
from fks_cli import cli
from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET, ExchangeSimulator
from fks_exchange_sim.admin_client import SimulatorAdmin, SimulatorAdminError

SYMBOL = "BTC/USDT"


@pytest.fixture
def simulator() -> Iterator[ExchangeSimulator]:
    # One per test: tests move the price and spend the balances.
    with ExchangeSimulator(port=0) as sim:
        yield sim


@pytest.fixture
def admin(simulator: ExchangeSimulator) -> SimulatorAdmin:
    return SimulatorAdmin(simulator.url)


@pytest.fixture
def exchange(simulator: ExchangeSimulator) -> Any:
    client = make_exchange("binance", base_url=simulator.url, api_key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET)
    client.load_markets()
    return client


def _at(admin: SimulatorAdmin, pct: str) -> str:
    """The last BTC price moved by ``pct`` percent, on the tick, as ccxt takes prices."""
    return str((admin.price("BTCUSDT") * (1 + Decimal(pct) / 100)).quantize(Decimal("0.01")))


def _sell_oco_params(admin: SimulatorAdmin, prefix: str) -> dict[str, str]:
    return {
        "symbol": "BTCUSDT",
        "side": "SELL",
        "quantity": "0.01",
        "aboveType": "LIMIT_MAKER",
        "abovePrice": _at(admin, "4"),
        "belowType": "STOP_LOSS_LIMIT",
        "belowStopPrice": _at(admin, "-2"),
        "belowPrice": _at(admin, "-2.5"),
        "belowTimeInForce": "GTC",
        "listClientOrderId": f"{prefix}-oco",
        "aboveClientOrderId": f"{prefix}-tp",
        "belowClientOrderId": f"{prefix}-sl",
    }


def test_ccxt_places_lists_and_cancels_stop_loss_limit_and_take_profit_limit(
    exchange: Any, admin: SimulatorAdmin
) -> None:
    # Arrange
    stop = exchange.create_order(
        SYMBOL, "STOP_LOSS_LIMIT", "sell", 0.01, float(_at(admin, "-3")), {"stopPrice": float(_at(admin, "-2"))}
    )
    profit = exchange.create_order(
        SYMBOL, "TAKE_PROFIT_LIMIT", "sell", 0.01, float(_at(admin, "3")), {"stopPrice": float(_at(admin, "2"))}
    )

    # Act
    open_orders = exchange.fetch_open_orders(SYMBOL)
    for order in (stop, profit):
        exchange.cancel_order(order["id"], SYMBOL)

    # Assert
    assert sorted(o["info"]["type"] for o in open_orders) == ["STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]
    assert all(o["status"] == "open" and o["triggerPrice"] for o in open_orders)
    assert exchange.fetch_open_orders(SYMBOL) == []
    assert exchange.fetch_balance()["BTC"]["used"] == 0


def test_ccxt_places_an_oco_through_both_endpoints_and_cancels_the_lists(exchange: Any, admin: SimulatorAdmin) -> None:
    # Arrange
    new_style = exchange.private_post_orderlist_oco(_sell_oco_params(admin, "a"))
    old_style = exchange.private_post_order_oco(
        {
            "symbol": "BTCUSDT",
            "side": "SELL",
            "quantity": "0.01",
            "price": _at(admin, "4"),
            "stopPrice": _at(admin, "-2"),
        }
    )

    # Act
    legs = exchange.fetch_open_orders(SYMBOL)
    open_lists = exchange.private_get_openorderlist()
    for order_list in (new_style, old_style):
        exchange.private_delete_orderlist({"symbol": "BTCUSDT", "orderListId": order_list["orderListId"]})

    # Assert
    assert sorted(o["info"]["type"] for o in legs) == ["LIMIT_MAKER", "LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT"]
    assert {int(lst["orderListId"]) for lst in open_lists} == {new_style["orderListId"], old_style["orderListId"]}
    assert exchange.fetch_open_orders(SYMBOL) == []
    assert admin.orders()["count"] == 4


def test_a_resting_limit_buy_fills_when_the_price_comes_down_and_shows_in_my_trades(
    exchange: Any, admin: SimulatorAdmin
) -> None:
    # Arrange
    limit = _at(admin, "-1")
    order = exchange.create_order(SYMBOL, "limit", "buy", 0.01, float(limit), {"clientOrderId": "late-fill-1"})
    assert order["status"] == "open"

    # Act
    admin.move_price("BTCUSDT", "-2")
    fetched = exchange.fetch_order(order["id"], SYMBOL)
    trades = exchange.fetch_my_trades(SYMBOL)

    # Assert
    assert (fetched["status"], fetched["filled"]) == ("closed", 0.01)
    (trade,) = trades
    assert (trade["order"], trade["price"], trade["takerOrMaker"], trade["side"]) == (
        order["id"],
        float(limit),
        "maker",
        "buy",
    )
    assert trade["fee"] == {"currency": "BTC", "cost": 1e-05}


def test_a_position_protected_by_an_oco_is_closed_by_its_stop_when_the_price_falls(
    exchange: Any, admin: SimulatorAdmin, simulator: ExchangeSimulator
) -> None:
    # Arrange
    exchange.create_order(SYMBOL, "market", "buy", 0.01)
    exchange.private_post_orderlist_oco(_sell_oco_params(admin, "pos-1"))
    assert simulator.balance("BTC")[1] == Decimal("0.01")

    # Act
    admin.move_price("BTCUSDT", "-3")

    # Assert
    legs = {o["clientOrderId"]: o["status"] for o in exchange.fetch_orders(SYMBOL)}
    assert (legs["pos-1-sl"], legs["pos-1-tp"]) == ("closed", "expired")
    assert [t["side"] for t in exchange.fetch_my_trades(SYMBOL)] == ["buy", "sell"]
    assert simulator.balance("BTC") == (Decimal("0.99999"), Decimal(0))  # bought 0.01 less 0.1 % fee, sold 0.01


def test_ccxt_edit_order_moves_a_stop_with_cancel_replace(exchange: Any, admin: SimulatorAdmin) -> None:
    # Arrange
    first_stop, first_limit, new_stop, new_limit = (float(_at(admin, pct)) for pct in ("-2.5", "-3", "-1.5", "-2"))
    stop = exchange.create_order(SYMBOL, "STOP_LOSS_LIMIT", "sell", 0.01, first_limit, {"stopPrice": first_stop})

    # Act
    moved = exchange.edit_order(stop["id"], SYMBOL, "STOP_LOSS_LIMIT", "sell", 0.01, new_limit, {"stopPrice": new_stop})

    # Assert
    assert exchange.fetch_order(stop["id"], SYMBOL)["status"] == "canceled"
    (still_open,) = exchange.fetch_open_orders(SYMBOL)
    assert (still_open["id"], still_open["triggerPrice"], still_open["price"]) == (moved["id"], new_stop, new_limit)


def test_a_lost_answer_leaves_exactly_one_order_and_a_resend_is_refused_as_duplicate(
    exchange: Any, admin: SimulatorAdmin
) -> None:
    # Arrange
    admin.add_faults([{"path": "/api/v3/order", "method": "POST", "kind": "lose_answer"}])
    price = float(_at(admin, "-5"))

    # Act
    with pytest.raises(ccxt.NetworkError):
        exchange.create_order(SYMBOL, "limit", "buy", 0.01, price, {"clientOrderId": "sig-lost-1"})
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate order sent"):
        exchange.create_order(SYMBOL, "limit", "buy", 0.01, price, {"clientOrderId": "sig-lost-1"})
    found = exchange.fetch_order(None, SYMBOL, {"origClientOrderId": "sig-lost-1"})

    # Assert
    assert admin.orders(client_order_id="sig-lost-1")["count"] == 1
    assert found["status"] == "open"


def test_a_late_answer_times_the_client_out_while_the_order_stands(
    simulator: ExchangeSimulator, admin: SimulatorAdmin
) -> None:
    # Arrange
    impatient = make_exchange("binance", base_url=simulator.url, api_key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET)
    impatient.load_markets()
    impatient.timeout = 300  # ms
    admin.add_faults([{"path": "order", "method": "POST", "kind": "delay", "delay_ms": 1200}])

    # Act
    with pytest.raises(ccxt.RequestTimeout):
        impatient.create_order(SYMBOL, "market", "buy", 0.001, None, {"clientOrderId": "sig-late-1"})

    # Assert
    assert admin.orders(client_order_id="sig-late-1")["orders"][0]["status"] == "FILLED"


def test_a_timeout_that_never_reached_the_venue_places_nothing(exchange: Any, admin: SimulatorAdmin) -> None:
    # Arrange
    admin.add_faults([{"path": "order", "method": "POST", "kind": "timeout", "delay_ms": 200}])

    # Act
    with pytest.raises(ccxt.NetworkError):
        exchange.create_order(SYMBOL, "market", "buy", 0.001, None, {"clientOrderId": "sig-timeout-1"})

    # Assert
    assert admin.orders(client_order_id="sig-timeout-1")["count"] == 0


def test_a_429_with_retry_after_is_rate_limiting_to_ccxt_then_passes(exchange: Any, admin: SimulatorAdmin) -> None:
    # Arrange
    admin.add_faults([{"path": "order", "kind": "error", "status": 429, "code": -1003, "retry_after_s": 2}], seed=3)

    # Act
    with pytest.raises(ccxt.DDoSProtection):
        exchange.fetch_order("1", SYMBOL)
    report = admin.faults()

    # Assert
    assert (report["fired"], report["seed"], report["active"]) == (1, 3, [])
    with pytest.raises(ccxt.OrderNotFound):
        exchange.fetch_order("1", SYMBOL)


def test_admin_refuses_a_bad_fault_with_its_reason(admin: SimulatorAdmin) -> None:
    with pytest.raises(SimulatorAdminError, match="delay_ms > 0"):
        admin.add_faults([{"path": "order", "kind": "delay"}])


def test_fks_sim_commands_move_the_price_and_count_orders(
    simulator: ExchangeSimulator, exchange: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Arrange
    before = simulator.price("BTCUSDT")
    exchange.create_order(SYMBOL, "market", "buy", 0.001, None, {"clientOrderId": "cli-1"})

    # Act
    moved = cli.main(["sim", "--url", simulator.url, "price", "BTCUSDT", "--move", "-1"])
    moved_out = json.loads(capsys.readouterr().out)
    counted = cli.main(["sim", "--url", simulator.url, "orders", "--client-order-id", "cli-1"])
    counted_out = json.loads(capsys.readouterr().out)
    refused = cli.main(["sim", "--url", simulator.url, "faults", "--add", '{"path": "order", "kind": "delay"}'])

    # Assert
    assert (moved, counted, refused) == (0, 0, 1)
    previous = Decimal(moved_out["previous_price"])
    assert Decimal(moved_out["price"]) == (previous * Decimal("0.99")).quantize(Decimal("0.01"))
    assert abs(previous - before) < before / 100  # the price it moved from is the market's
    assert counted_out["by_client_order_id"] == {"cli-1": 1}
    assert "delay_ms > 0" in capsys.readouterr().err
