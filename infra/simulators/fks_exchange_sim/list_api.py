"""Signed order-list (OCO) endpoints: place, query, list and cancel."""

from __future__ import annotations

from fks_exchange_sim import errors, params
from fks_exchange_sim.engine import new_client_id
from fks_exchange_sim.intervals import DAY_MS
from fks_exchange_sim.oco_params import ACCEPTED_LIST_OCO, ACCEPTED_ORDER_OCO, parse_list_oco, parse_order_oco
from fks_exchange_sim.order_lists import NewOco, OrderList, list_view
from fks_exchange_sim.orders import cancel_view, new_order_view
from fks_exchange_sim.routing import Call, Route, signed

HISTORY_DEFAULT_LIMIT = 500
HISTORY_MAX_LIMIT = 1000


def _place(call: Call, oco: NewOco) -> object:
    order_list = call.venue.engine.place_oco(oco, call.now_ms)
    return list_view(order_list, [new_order_view(o, oco.resp_type) for o in order_list.orders])


def new_list_oco(call: Call) -> object:
    return _place(call, parse_list_oco(call.params, call.venue.engine.specs))


def new_order_oco(call: Call) -> object:
    return _place(call, parse_order_oco(call.params, call.venue.engine.specs))


def query_list(call: Call) -> object:
    list_id = params.integer(call.params, "orderListId")
    client_id = call.params.get("origClientOrderId") or None
    if list_id is None and client_id is None:
        raise errors.BinanceError(
            -1102, "Param 'origClientOrderId' or 'orderListId' must be sent, but both were empty/null!"
        )
    return list_view(call.venue.engine.find_list(list_id, client_id, call.now_ms))


def cancel_list(call: Call) -> object:
    symbol = params.required(call.params, "symbol")
    if symbol not in call.venue.engine.specs:
        raise errors.invalid_symbol()
    list_id = params.integer(call.params, "orderListId")
    client_id = call.params.get("listClientOrderId") or None
    if list_id is None and client_id is None:
        raise errors.BinanceError(
            -1102, "Param 'listClientOrderId' or 'orderListId' must be sent, but both were empty/null!"
        )
    order_list = call.venue.engine.cancel_list(symbol, list_id, client_id, call.now_ms)
    return cancelled_list_view(order_list, call.params.get("newClientOrderId") or new_client_id(), call.now_ms)


def cancelled_list_view(order_list: OrderList, cancel_id: str, now_ms: int) -> object:
    return list_view(order_list, [cancel_view(o, cancel_id, now_ms) for o in order_list.orders])


def all_lists(call: Call) -> object:
    from_id = params.integer(call.params, "fromId")
    start, end = params.integer(call.params, "startTime"), params.integer(call.params, "endTime")
    if from_id is not None and (start is not None or end is not None):
        raise errors.invalid_combination()
    if start is not None and end is not None and end - start > DAY_MS:
        raise errors.lookup_interval_too_big()
    limit = params.limit(call.params, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)
    lists = [
        lst
        for lst in call.venue.engine.order_lists(call.now_ms, open_only=False)
        if (from_id is None or lst.order_list_id >= from_id)
        and (start is None or lst.transaction_time >= start)
        and (end is None or lst.transaction_time <= end)
    ]
    chosen = lists[:limit] if from_id is not None or start is not None else lists[-limit:]
    # Binance lists them newest first.
    return [list_view(lst) for lst in reversed(chosen)]


def open_lists(call: Call) -> object:
    return [list_view(lst) for lst in call.venue.engine.order_lists(call.now_ms, open_only=True)]


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "orderList/oco"): signed(new_list_oco, 1, *ACCEPTED_LIST_OCO, places_orders=2),
    ("POST", "order/oco"): signed(new_order_oco, 1, *ACCEPTED_ORDER_OCO, places_orders=2),
    ("GET", "orderList"): signed(query_list, 4, "orderListId", "origClientOrderId"),
    ("DELETE", "orderList"): signed(cancel_list, 1, "symbol", "orderListId", "listClientOrderId", "newClientOrderId"),
    ("GET", "allOrderList"): signed(all_lists, 20, "fromId", "startTime", "endTime", "limit"),
    ("GET", "openOrderList"): signed(open_lists, 6),
}
