"""Signed endpoints: orders, the account and its trades."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from fks_exchange_sim import errors, params
from fks_exchange_sim.engine import CANCEL_RESTRICTIONS, new_client_id
from fks_exchange_sim.intervals import DAY_MS
from fks_exchange_sim.list_api import cancelled_list_view
from fks_exchange_sim.markets import fmt8
from fks_exchange_sim.order_params import ACCEPTED as NEW_ORDER_PARAMS
from fks_exchange_sim.order_params import parse_new_order
from fks_exchange_sim.orders import Order, cancel_view, new_order_view, query_view, trade_view
from fks_exchange_sim.routing import Call, Route, signed

HISTORY_DEFAULT_LIMIT = 500
HISTORY_MAX_LIMIT = 1000
_T = TypeVar("_T")


def _symbol(call: Call) -> str:
    symbol = params.required(call.params, "symbol")
    if symbol not in call.venue.engine.specs:
        raise errors.invalid_symbol()
    return symbol


def _order_ref(call: Call) -> tuple[str, int | None, str | None]:
    symbol = _symbol(call)
    order_id = params.integer(call.params, "orderId")
    client_id = call.params.get("origClientOrderId") or None
    if order_id is None and client_id is None:
        raise errors.order_id_missing()
    return symbol, order_id, client_id


def _window(call: Call) -> tuple[int | None, int | None]:
    """startTime and endTime; sent together they may be at most 24 hours apart (-1127)."""
    start = params.integer(call.params, "startTime")
    end = params.integer(call.params, "endTime")
    if start is not None and end is not None:
        if start > end:
            raise errors.start_after_end()
        if end - start > DAY_MS:
            raise errors.lookup_interval_too_big()
    return start, end


def _in_window(call: Call, items: Sequence[_T], time_of: dict[int, int], *, from_start: bool) -> list[_T]:
    """Binance's history selection: within the window, the first ``limit`` from a start, else the newest."""
    start, end = _window(call)
    limit = params.limit(call.params, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)
    chosen = [
        item
        for i, item in enumerate(items)
        if (start is None or time_of[i] >= start) and (end is None or time_of[i] <= end)
    ]
    return chosen[:limit] if from_start or start is not None else chosen[-limit:]


def new_order(call: Call) -> object:
    request = parse_new_order(call.params, call.venue.engine.specs)
    order = call.venue.engine.place(request, call.now_ms)
    assert order is not None
    return new_order_view(order, request.resp_type)


def test_order(call: Call) -> object:
    request = parse_new_order(call.params, call.venue.engine.specs)
    call.venue.engine.place(request, call.now_ms, test=True)
    if call.params.get("computeCommissionRates") != "true":
        return {}
    rate = fmt8(call.venue.config.fee_rate)
    zero = {"maker": fmt8(Decimal(0)), "taker": fmt8(Decimal(0))}
    return {
        "standardCommissionForOrder": {"maker": rate, "taker": rate},
        "taxCommissionForOrder": zero,
        "discount": {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": fmt8(Decimal(0)),
        },
    }


def query_order(call: Call) -> object:
    return query_view(call.venue.engine.find(*_order_ref(call), call.now_ms))


def cancel_order(call: Call) -> object:
    restriction = call.params.get("cancelRestrictions")
    if restriction is not None and restriction not in CANCEL_RESTRICTIONS:
        raise errors.invalid_cancel_restrictions()
    order = call.venue.engine.cancel(*_order_ref(call), call.now_ms, restriction)
    return cancel_view(order, call.params.get("newClientOrderId") or new_client_id(), call.now_ms)


def open_orders(call: Call) -> object:
    symbol = _symbol(call) if "symbol" in call.params else None
    return [query_view(o) for o in call.venue.engine.orders(symbol, call.now_ms, open_only=True)]


def cancel_open_orders(call: Call) -> object:
    """Every open order of the symbol, an OCO's legs answered as their list (Binance's shape)."""
    engine, symbol = call.venue.engine, _symbol(call)
    answers: list[object] = []
    with engine.lock:
        orders = engine.orders(symbol, call.now_ms, open_only=True)
        if not orders:
            raise errors.unknown_order()
        for order in orders:
            if order.order_list_id < 0:
                engine.cancel(symbol, order.order_id, None, call.now_ms)
                answers.append(cancel_view(order, new_client_id(), call.now_ms))
            elif order.is_open:  # the first leg seen cancels its sibling too
                order_list = engine.cancel_list(symbol, order.order_list_id, None, call.now_ms)
                answers.append(cancelled_list_view(order_list, new_client_id(), call.now_ms))
    return answers


def all_orders(call: Call) -> object:
    symbol = _symbol(call)
    from_id = params.integer(call.params, "orderId")
    orders: list[Order] = [
        o
        for o in call.venue.engine.orders(symbol, call.now_ms, open_only=False)
        if from_id is None or o.order_id >= from_id
    ]
    times = {i: o.time for i, o in enumerate(orders)}
    return [query_view(o) for o in _in_window(call, orders, times, from_start=from_id is not None)]


# The parameter combinations Binance serves for myTrades (besides symbol); others are -1128.
_TRADE_FILTERS = {
    frozenset(),
    frozenset({"orderId"}),
    frozenset({"startTime"}),
    frozenset({"endTime"}),
    frozenset({"fromId"}),
    frozenset({"startTime", "endTime"}),
    frozenset({"orderId", "fromId"}),
}


def my_trades(call: Call) -> object:
    symbol = _symbol(call)
    sent = frozenset(name for name in ("orderId", "fromId", "startTime", "endTime") if name in call.params)
    if sent not in _TRADE_FILTERS:
        raise errors.invalid_combination()
    order_id, from_id = params.integer(call.params, "orderId"), params.integer(call.params, "fromId")
    trades = [
        t
        for t in call.venue.engine.trades(symbol, call.now_ms)
        if (order_id is None or t.order_id == order_id) and (from_id is None or t.trade_id >= from_id)
    ]
    times = {i: t.time for i, t in enumerate(trades)}
    return [trade_view(t) for t in _in_window(call, trades, times, from_start=from_id is not None)]


def account(call: Call) -> object:
    engine = call.venue.engine
    with engine.lock:
        engine.sweep(call.now_ms)
        balances = engine.account.balances(omit_zero=call.params.get("omitZeroBalances") == "true")
    rate = call.venue.config.fee_rate
    zero = fmt8(Decimal(0))
    return {
        "makerCommission": int(rate * 10000),
        "takerCommission": int(rate * 10000),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {"maker": fmt8(rate), "taker": fmt8(rate), "buyer": zero, "seller": zero},
        "canTrade": True,
        "canWithdraw": False,
        "canDeposit": False,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": call.now_ms,
        "accountType": "SPOT",
        "balances": balances,
        "permissions": ["SPOT"],
        "uid": 1,
    }


_HISTORY = ("symbol", "orderId", "startTime", "endTime", "limit")
ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "order"): signed(new_order, 1, *NEW_ORDER_PARAMS, places_orders=1),
    ("POST", "order/test"): signed(test_order, 1, *NEW_ORDER_PARAMS),
    ("GET", "order"): signed(query_order, 4, "symbol", "orderId", "origClientOrderId"),
    ("DELETE", "order"): signed(
        cancel_order, 1, "symbol", "orderId", "origClientOrderId", "newClientOrderId", "cancelRestrictions"
    ),
    ("GET", "openOrders"): signed(open_orders, 6, "symbol", weight_without_symbol=80),
    ("DELETE", "openOrders"): signed(cancel_open_orders, 1, "symbol"),
    ("GET", "allOrders"): signed(all_orders, 20, *_HISTORY),
    ("GET", "myTrades"): signed(my_trades, 20, *_HISTORY, "fromId", weight_when_sent=("orderId", 5)),
    ("GET", "account"): signed(account, 20, "omitZeroBalances"),
}
