"""Stops, OCO lists, cancel-replace and the trade history, through the simulator's request handler."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest

from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET, ExchangeSimulator
from fks_exchange_sim.application import Request, Response
from fks_exchange_sim.signing import sign

NOW_MS = 1_748_867_696_789  # 2025-06-02T12:34:56.789Z
MINUTE_MS = 60_000


class FakeClock:
    def __init__(self, now_ms: int = NOW_MS) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> ExchangeSimulator:
    return ExchangeSimulator(clock=clock)


def _call(sim: ExchangeSimulator, method: str, path: str, **values: object) -> Response:
    query = urlencode({**values, "timestamp": sim.app.clock()})
    query += "&signature=" + sign(query, DEFAULT_API_SECRET)
    if method == "POST":
        return sim.app.handle(Request(method, f"/api/v3/{path}", "", query, DEFAULT_API_KEY))
    return sim.app.handle(Request(method, f"/api/v3/{path}", query, "", DEFAULT_API_KEY))


def _ok(sim: ExchangeSimulator, method: str, path: str, **values: object) -> Any:
    response = _call(sim, method, path, **values)
    assert response.status == 200, response.body
    return json.loads(response.body)


def _error(sim: ExchangeSimulator, method: str, path: str, **values: object) -> tuple[int, int, str]:
    response = _call(sim, method, path, **values)
    body = json.loads(response.body)
    return response.status, body["code"], body["msg"]


def _off(sim: ExchangeSimulator, pct: str) -> str:
    """The last BTC price moved by ``pct`` percent, on the tick."""
    return str((sim.price("BTCUSDT") * (1 + Decimal(pct) / 100)).quantize(Decimal("0.01")))


def _sell_oco(sim: ExchangeSimulator, **extra: object) -> Any:
    values: dict[str, object] = {
        "symbol": "BTCUSDT",
        "side": "SELL",
        "quantity": "0.1",
        "aboveType": "LIMIT_MAKER",
        "abovePrice": _off(sim, "4"),
        "belowType": "STOP_LOSS_LIMIT",
        "belowStopPrice": _off(sim, "-2"),
        "belowPrice": _off(sim, "-2.5"),
        "belowTimeInForce": "GTC",
        "listClientOrderId": "entry-1-oco",
        "aboveClientOrderId": "entry-1-tp",
        "belowClientOrderId": "entry-1-sl",
    }
    result = _ok(sim, "POST", "orderList/oco", **{**values, **extra})
    assert isinstance(result, dict)
    return result


def _statuses(sim: ExchangeSimulator) -> dict[str, str]:
    orders = _ok(sim, "GET", "allOrders", symbol="BTCUSDT")
    assert isinstance(orders, list)
    return {o["clientOrderId"]: o["status"] for o in orders}


def test_stop_loss_market_sell_rests_then_fills_at_its_stop_when_the_price_falls_through(
    sim: ExchangeSimulator,
) -> None:
    # Arrange
    stop = _off(sim, "-1")
    placed = _ok(sim, "POST", "order", symbol="BTCUSDT", side="SELL", type="STOP_LOSS", quantity="0.1", stopPrice=stop)
    assert placed == {**placed, "orderListId": -1}  # ACK by default for stop orders
    resting = _ok(sim, "GET", "order", symbol="BTCUSDT", origClientOrderId=placed["clientOrderId"])

    # Act
    sim.set_price("BTCUSDT", Decimal(_off(sim, "-3")))

    # Assert
    assert (resting["status"], resting["isWorking"], resting["workingTime"]) == ("NEW", False, -1)
    order = _ok(sim, "GET", "order", symbol="BTCUSDT", orderId=placed["orderId"])
    assert (order["status"], order["type"], order["stopPrice"]) == ("FILLED", "STOP_LOSS", f"{Decimal(stop):.8f}")
    (trade,) = _ok(sim, "GET", "myTrades", symbol="BTCUSDT")
    assert (trade["price"], trade["isMaker"], trade["isBuyer"], trade["commissionAsset"]) == (
        f"{Decimal(stop):.8f}",
        False,
        False,
        "USDT",
    )
    assert sim.balance("BTC") == (Decimal("0.9"), Decimal(0))


def test_stop_loss_limit_triggers_on_a_later_candles_low_as_the_clock_moves(
    sim: ExchangeSimulator, clock: FakeClock
) -> None:
    # Arrange: the lowest low of the next 30 minutes of the sample series is the stop
    first = (NOW_MS - 1_704_067_200_000) // MINUTE_MS + 1
    lows = sim.candles.series("BTCUSDT").minutes(first, first + 30).low
    stop = Decimal(int(lows.min())) / 100
    placed = _ok(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_LOSS_LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        stopPrice=str(stop),
        price=str(stop - 50),
    )

    # Act
    clock.now_ms += 31 * MINUTE_MS
    order = _ok(sim, "GET", "order", symbol="BTCUSDT", orderId=placed["orderId"])

    # Assert
    assert order["status"] == "FILLED"
    assert NOW_MS < order["workingTime"] <= clock.now_ms


def test_take_profit_limit_sell_waits_for_the_price_to_rise(sim: ExchangeSimulator) -> None:
    # Arrange
    placed = _ok(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="SELL",
        type="TAKE_PROFIT_LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        stopPrice=_off(sim, "2"),
        price=_off(sim, "2"),
    )

    # Act
    sim.set_price("BTCUSDT", Decimal(_off(sim, "-5")))
    after_fall = _statuses(sim)[placed["clientOrderId"]]
    sim.set_price("BTCUSDT", Decimal(_off(sim, "10")))

    # Assert
    assert (after_fall, _statuses(sim)[placed["clientOrderId"]]) == ("NEW", "FILLED")


def test_oco_sell_locks_the_base_once_and_lists_both_legs_stop_first(sim: ExchangeSimulator) -> None:
    # Act
    placed = _sell_oco(sim)

    # Assert
    assert (placed["contingencyType"], placed["listStatusType"], placed["listOrderStatus"]) == (
        "OCO",
        "EXEC_STARTED",
        "EXECUTING",
    )
    reports = placed["orderReports"]
    assert [(r["clientOrderId"], r["type"], r["workingTime"] == -1) for r in reports] == [
        ("entry-1-sl", "STOP_LOSS_LIMIT", True),
        ("entry-1-tp", "LIMIT_MAKER", False),
    ]
    assert sim.balance("BTC") == (Decimal("0.9"), Decimal("0.1"))
    assert len(_ok(sim, "GET", "openOrders", symbol="BTCUSDT")) == 2


def test_oco_when_the_stop_leg_triggers_the_limit_leg_expires(sim: ExchangeSimulator) -> None:
    # Arrange
    placed = _sell_oco(sim)

    # Act
    sim.set_price("BTCUSDT", Decimal(_off(sim, "-3")))

    # Assert
    assert _statuses(sim) == {"entry-1-sl": "FILLED", "entry-1-tp": "EXPIRED"}
    listed = _ok(sim, "GET", "orderList", orderListId=placed["orderListId"])
    assert (listed["listStatusType"], listed["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    (trade,) = _ok(sim, "GET", "myTrades", symbol="BTCUSDT")
    assert trade["orderListId"] == placed["orderListId"]
    assert sim.balance("BTC") == (Decimal("0.9"), Decimal(0))


def test_oco_when_the_limit_leg_fills_the_stop_expires_and_the_fill_is_a_maker(sim: ExchangeSimulator) -> None:
    # Arrange
    placed = _sell_oco(sim)
    limit_price = placed["orderReports"][1]["price"]

    # Act
    sim.set_price("BTCUSDT", Decimal(_off(sim, "5")))

    # Assert
    assert _statuses(sim) == {"entry-1-sl": "EXPIRED", "entry-1-tp": "FILLED"}
    (trade,) = _ok(sim, "GET", "myTrades", symbol="BTCUSDT")
    assert (trade["price"], trade["isMaker"]) == (limit_price, True)


def test_oco_when_prices_or_legs_break_binances_rules_is_refused(sim: ExchangeSimulator) -> None:
    # Act
    wrong_prices = _error(
        sim,
        "POST",
        "orderList/oco",
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.1",
        aboveType="LIMIT_MAKER",
        abovePrice=_off(sim, "-1"),
        belowType="STOP_LOSS",
        belowStopPrice=_off(sim, "-2"),
    )
    stop_above = _error(
        sim,
        "POST",
        "orderList/oco",
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.1",
        aboveType="STOP_LOSS",
        aboveStopPrice=_off(sim, "2"),
        belowType="LIMIT_MAKER",
        belowPrice=_off(sim, "-2"),
    )
    two_limits = _error(
        sim,
        "POST",
        "orderList/oco",
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.1",
        aboveType="LIMIT_MAKER",
        abovePrice=_off(sim, "2"),
        belowType="TAKE_PROFIT",
        belowStopPrice=_off(sim, "-2"),
    )
    market_leg = _error(
        sim,
        "POST",
        "orderList/oco",
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.1",
        aboveType="MARKET",
        belowType="STOP_LOSS",
        belowStopPrice=_off(sim, "-2"),
    )
    missing_price = _error(
        sim,
        "POST",
        "orderList/oco",
        symbol="BTCUSDT",
        side="SELL",
        quantity="0.1",
        aboveType="LIMIT_MAKER",
        belowType="STOP_LOSS",
        belowStopPrice=_off(sim, "-2"),
    )

    # Assert
    assert wrong_prices == (400, -2010, "The relationship of the prices for the orders is not correct.")
    assert stop_above == (400, -1197, "A stop loss order in a sell OCO must be below.")
    assert two_limits[1:] == (-1168, "At least one OCO order must be contingent.")
    assert market_leg[1:] == (-1158, "Order type not supported in OCO.")
    assert missing_price[1] == -1102
    assert "'abovePrice'" in missing_price[2]
    assert _statuses(sim) == {}


def test_deprecated_order_oco_buy_puts_the_stop_above_and_the_limit_below(sim: ExchangeSimulator) -> None:
    # Act
    placed = _ok(
        sim,
        "POST",
        "order/oco",
        symbol="BTCUSDT",
        side="BUY",
        quantity="0.1",
        price=_off(sim, "-3"),
        stopPrice=_off(sim, "2"),
        stopLimitPrice=_off(sim, "2.5"),
        stopLimitTimeInForce="GTC",
        limitClientOrderId="short-tp",
        stopClientOrderId="short-sl",
    )
    sim.set_price("BTCUSDT", Decimal(_off(sim, "3")))

    # Assert
    reports = placed["orderReports"]
    assert [(r["clientOrderId"], r["type"]) for r in reports] == [
        ("short-sl", "STOP_LOSS_LIMIT"),
        ("short-tp", "LIMIT_MAKER"),
    ]
    assert _statuses(sim) == {"short-sl": "FILLED", "short-tp": "EXPIRED"}
    assert sim.balance("USDT")[1] == 0


def test_cancelling_one_leg_cancels_the_list_and_frees_the_base(sim: ExchangeSimulator) -> None:
    # Arrange
    _sell_oco(sim)

    # Act
    cancelled = _ok(sim, "DELETE", "order", symbol="BTCUSDT", origClientOrderId="entry-1-tp")

    # Assert
    assert (cancelled["status"], cancelled["orderListId"]) == ("CANCELED", 1)
    assert _statuses(sim) == {"entry-1-sl": "CANCELED", "entry-1-tp": "CANCELED"}
    assert sim.balance("BTC") == (Decimal(1), Decimal(0))
    assert _ok(sim, "GET", "openOrderList") == []


def test_delete_order_list_by_list_client_id_answers_both_cancelled_legs(sim: ExchangeSimulator) -> None:
    # Arrange
    _sell_oco(sim)
    assert len(_ok(sim, "GET", "openOrderList")) == 1

    # Act
    cancelled = _ok(sim, "DELETE", "orderList", symbol="BTCUSDT", listClientOrderId="entry-1-oco")
    again = _error(sim, "DELETE", "orderList", symbol="BTCUSDT", listClientOrderId="entry-1-oco")

    # Assert
    assert cancelled["listOrderStatus"] == "ALL_DONE"
    assert [r["status"] for r in cancelled["orderReports"]] == ["CANCELED", "CANCELED"]
    assert again == (400, -2011, "Unknown order sent.")
    by_client_id = _ok(sim, "GET", "orderList", origClientOrderId="entry-1-oco")
    assert by_client_id["listStatusType"] == "ALL_DONE"
    assert len(_ok(sim, "GET", "allOrderList")) == 1


def test_oco_leg_client_id_of_an_open_order_is_a_duplicate(sim: ExchangeSimulator) -> None:
    # Arrange
    _sell_oco(sim)

    # Act
    duplicate = _error(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=_off(sim, "9"),
        newClientOrderId="entry-1-sl",
    )

    # Assert
    assert duplicate == (400, -2010, "Duplicate order sent.")


def test_cancel_replace_moves_a_stop_and_answers_both_halves(sim: ExchangeSimulator) -> None:
    # Arrange
    _ok(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_LOSS_LIMIT",
        timeInForce="GTC",
        quantity="0.1",
        stopPrice=_off(sim, "-3"),
        price=_off(sim, "-3.5"),
        newClientOrderId="trail-t1",
    )

    # Act
    replaced = _ok(
        sim,
        "POST",
        "order/cancelReplace",
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_LOSS_LIMIT",
        timeInForce="GTC",
        quantity="0.1",
        stopPrice=_off(sim, "-2"),
        price=_off(sim, "-2.5"),
        cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrigClientOrderId="trail-t1",
        newClientOrderId="trail-t2",
    )

    # Assert
    assert (replaced["cancelResult"], replaced["newOrderResult"]) == ("SUCCESS", "SUCCESS")
    assert replaced["cancelResponse"]["status"] == "CANCELED"
    assert replaced["newOrderResponse"]["clientOrderId"] == "trail-t2"
    assert _statuses(sim) == {"trail-t1": "CANCELED", "trail-t2": "NEW"}
    assert sim.balance("BTC") == (Decimal("0.9"), Decimal("0.1"))


def test_cancel_replace_when_cancel_fails_stops_with_2022_and_places_nothing(sim: ExchangeSimulator) -> None:
    # Act
    response = _call(
        sim,
        "POST",
        "order/cancelReplace",
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=_off(sim, "5"),
        cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrderId=99,
    )

    # Assert
    assert response.status == 400
    assert json.loads(response.body) == {
        "code": -2022,
        "msg": "Order cancel-replace failed.",
        "data": {
            "cancelResult": "FAILURE",
            "newOrderResult": "NOT_ATTEMPTED",
            "cancelResponse": {"code": -2011, "msg": "Unknown order sent."},
            "newOrderResponse": None,
        },
    }
    assert _statuses(sim) == {}


def test_cancel_replace_allow_failure_places_the_new_order_and_answers_409(sim: ExchangeSimulator) -> None:
    # Act
    response = _call(
        sim,
        "POST",
        "order/cancelReplace",
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=_off(sim, "5"),
        cancelReplaceMode="ALLOW_FAILURE",
        cancelOrderId=99,
        newClientOrderId="fresh",
    )

    # Assert
    body = json.loads(response.body)
    assert (response.status, body["code"], body["data"]["newOrderResult"]) == (409, -2021, "SUCCESS")
    assert _statuses(sim) == {"fresh": "NEW"}


def test_cancel_replace_when_the_new_order_fails_keeps_the_cancel_and_answers_409(sim: ExchangeSimulator) -> None:
    # Arrange
    _ok(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=_off(sim, "5"),
        newClientOrderId="old",
    )

    # Act: a limit maker below the market would take
    response = _call(
        sim,
        "POST",
        "order/cancelReplace",
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT_MAKER",
        quantity="0.01",
        price=_off(sim, "-5"),
        cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrigClientOrderId="old",
    )

    # Assert
    body = json.loads(response.body)
    assert (response.status, body["code"], body["data"]["cancelResult"]) == (409, -2021, "SUCCESS")
    assert body["data"]["newOrderResponse"] == {"code": -2010, "msg": "Order would immediately match and take."}
    assert _statuses(sim) == {"old": "CANCELED"}


def test_my_trades_filters_as_binance_documents(sim: ExchangeSimulator, clock: FakeClock) -> None:
    # Arrange: three market buys a minute apart
    for _ in range(3):
        _ok(sim, "POST", "order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001")
        clock.now_ms += MINUTE_MS

    # Act
    from_second = _ok(sim, "GET", "myTrades", symbol="BTCUSDT", fromId=2)
    of_order = _call(sim, "GET", "myTrades", symbol="BTCUSDT", orderId=3)
    newest = _ok(sim, "GET", "myTrades", symbol="BTCUSDT", limit=1)
    window = _ok(sim, "GET", "myTrades", symbol="BTCUSDT", startTime=NOW_MS + 1, endTime=NOW_MS + MINUTE_MS)
    bad_combo = _error(sim, "GET", "myTrades", symbol="BTCUSDT", fromId=1, startTime=NOW_MS)
    too_long = _error(sim, "GET", "myTrades", symbol="BTCUSDT", startTime=NOW_MS, endTime=NOW_MS + 86_400_001)

    # Assert
    assert [t["id"] for t in from_second] == [2, 3]
    assert [t["id"] for t in json.loads(of_order.body)] == [3]
    assert of_order.headers["X-MBX-USED-WEIGHT-1M"] == str(20 + 5)  # this minute: fromId (20), orderId (5)
    assert [t["id"] for t in newest] == [3]
    assert [t["id"] for t in window] == [2]
    assert bad_combo[1:] == (-1128, "Combination of optional parameters invalid.")
    assert too_long[1:] == (-1127, "More than 24 hours between startTime and endTime.")


def test_delete_open_orders_answers_an_oco_as_one_cancelled_list(sim: ExchangeSimulator) -> None:
    # Arrange
    _sell_oco(sim)
    _ok(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price=_off(sim, "-5"),
        newClientOrderId="plain",
    )

    # Act
    answers = _ok(sim, "DELETE", "openOrders", symbol="BTCUSDT")

    # Assert
    assert [a.get("contingencyType", a.get("origClientOrderId")) for a in answers] == ["OCO", "plain"]
    assert set(_statuses(sim).values()) == {"CANCELED"}
    assert (sim.balance("BTC"), sim.balance("USDT")) == ((Decimal(1), Decimal(0)), (Decimal(100000), Decimal(0)))


def test_buy_oco_locks_the_dearer_leg_once_and_releases_it_when_the_limit_fills(sim: ExchangeSimulator) -> None:
    # Arrange: protecting a short, stop-market above, limit maker below
    stop, limit = _off(sim, "2"), _off(sim, "-3")
    _ok(
        sim,
        "POST",
        "orderList/oco",
        symbol="BTCUSDT",
        side="BUY",
        quantity="0.1",
        aboveType="STOP_LOSS",
        aboveStopPrice=stop,
        belowType="LIMIT_MAKER",
        belowPrice=limit,
    )
    locked = sim.balance("USDT")[1]

    # Act
    sim.set_price("BTCUSDT", Decimal(_off(sim, "-4")))

    # Assert
    assert locked == Decimal(stop) * Decimal("0.1")
    assert sim.balance("USDT") == (Decimal(100000) - Decimal(limit) * Decimal("0.1"), Decimal(0))
    assert sim.balance("BTC")[0] == Decimal("1.0999")  # 0.1 bought less the 0.1 % fee


def test_ioc_stop_limit_whose_limit_is_not_reached_when_triggered_expires(sim: ExchangeSimulator) -> None:
    # Arrange: sell stop at -1 %, limit above the market it will meet
    placed = _ok(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_LOSS_LIMIT",
        timeInForce="IOC",
        quantity="0.01",
        stopPrice=_off(sim, "-1"),
        price=_off(sim, "-0.5"),
    )

    # Act
    sim.set_price("BTCUSDT", Decimal(_off(sim, "-2")))

    # Assert
    assert _statuses(sim)[placed["clientOrderId"]] == "EXPIRED"
    assert sim.balance("BTC") == (Decimal(1), Decimal(0))


def test_stop_limit_triggered_by_a_move_past_its_limit_rests_working(sim: ExchangeSimulator) -> None:
    # Arrange: the price falls through the stop and keeps falling, away from the limit
    placed = _ok(
        sim,
        "POST",
        "order",
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_LOSS_LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        stopPrice=_off(sim, "-1"),
        price=_off(sim, "-0.5"),
    )

    # Act
    sim.set_price("BTCUSDT", Decimal(_off(sim, "-2")))
    order = _ok(sim, "GET", "order", symbol="BTCUSDT", orderId=placed["orderId"])

    # Assert
    assert (order["status"], order["isWorking"]) == ("NEW", True)
    assert sim.balance("BTC") == (Decimal("0.99"), Decimal("0.01"))
