"""``POST /api/v3/order/cancelReplace``: cancel an order and place another, in one request.

As on Binance, parameters and filters of the new order are checked before anything happens (a
failure there is a plain error); then the cancel runs, and the new order is placed unless the
cancel failed under ``STOP_ON_FAILURE``. The answer says what happened to each half: 200 when
both succeeded, 409 -2021 when one failed, 400 -2022 when the request failed as a whole.
"""

from __future__ import annotations

from fks_exchange_sim import errors, params
from fks_exchange_sim.engine import CANCEL_RESTRICTIONS, new_client_id
from fks_exchange_sim.order_params import parse_new_order
from fks_exchange_sim.orders import Json, cancel_view, new_order_view
from fks_exchange_sim.routing import Call, Route, signed

MODES = ("STOP_ON_FAILURE", "ALLOW_FAILURE")
# Parameters of the new order, named as in POST /api/v3/order.
_NEW_ORDER = (
    "symbol",
    "side",
    "type",
    "timeInForce",
    "quantity",
    "quoteOrderQty",
    "price",
    "stopPrice",
    "newClientOrderId",
    "newOrderRespType",
    "strategyId",
    "strategyType",
    "selfTradePreventionMode",
)
_CANCEL = (
    "cancelReplaceMode",
    "cancelOrderId",
    "cancelOrigClientOrderId",
    "cancelNewClientOrderId",
    "cancelRestrictions",
    "orderRateLimitExceededMode",
)


def _failure(error: errors.BinanceError) -> Json:
    return {"code": error.code, "msg": error.msg}


def cancel_replace(call: Call) -> object:
    values, engine = call.params, call.venue.engine
    mode = params.required(values, "cancelReplaceMode")
    if mode not in MODES:
        raise errors.invalid_value("cancelReplaceMode")
    if values.get("orderRateLimitExceededMode", "DO_NOTHING") not in ("DO_NOTHING", "CANCEL_ONLY"):
        raise errors.invalid_value("orderRateLimitExceededMode")
    cancel_id = params.integer(values, "cancelOrderId")
    cancel_client_id = values.get("cancelOrigClientOrderId") or None
    if cancel_id is None and cancel_client_id is None:
        raise errors.BinanceError(
            -1102, "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be sent, but both were empty/null!"
        )
    restriction = values.get("cancelRestrictions")
    if restriction is not None and restriction not in CANCEL_RESTRICTIONS:
        raise errors.invalid_cancel_restrictions()
    request = parse_new_order({k: v for k, v in values.items() if k in _NEW_ORDER}, engine.specs)
    cancel_response: Json | None = None
    cancel_error: errors.BinanceError | None = None
    with engine.lock:
        engine.place(request, call.now_ms, test=True)  # filters first: their failure is a plain error
        try:
            cancelled = engine.cancel(request.spec.symbol, cancel_id, cancel_client_id, call.now_ms, restriction)
            cancel_client = values.get("cancelNewClientOrderId") or new_client_id()
            cancel_response = cancel_view(cancelled, cancel_client, call.now_ms)
        except errors.BinanceError as error:
            cancel_error = error
        if cancel_error is not None and mode == "STOP_ON_FAILURE":
            data: Json = {
                "cancelResult": "FAILURE",
                "newOrderResult": "NOT_ATTEMPTED",
                "cancelResponse": _failure(cancel_error),
                "newOrderResponse": None,
            }
            raise errors.cancel_replace_failed(-2022, data)
        try:
            order = engine.place(request, call.now_ms)
            assert order is not None
            new_response, new_error = new_order_view(order, request.resp_type), None
        except errors.BinanceError as error:
            new_response, new_error = _failure(error), error
    data = {
        "cancelResult": "FAILURE" if cancel_error else "SUCCESS",
        "newOrderResult": "FAILURE" if new_error else "SUCCESS",
        "cancelResponse": _failure(cancel_error) if cancel_error else cancel_response,
        "newOrderResponse": new_response,
    }
    if cancel_error is None and new_error is None:
        return data
    raise errors.cancel_replace_failed(-2022 if cancel_error and new_error else -2021, data)


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "order/cancelReplace"): signed(cancel_replace, 1, *_NEW_ORDER, *_CANCEL, places_orders=1),
}
