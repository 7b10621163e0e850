"""OCO parameters of ``POST /api/v3/orderList/oco`` (above/below legs) and the older ``order/oco``.

Both become a ``NewOco``: the legs are ordinary ``NewOrder``s with the list's side and quantity.
Icebergs, trailing deltas and pegs are not simulated: sending them is Binance's -1104 (unread).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from fks_exchange_sim import errors, params
from fks_exchange_sim.markets import SymbolSpec
from fks_exchange_sim.order_lists import LEG_TYPES, NewOco
from fks_exchange_sim.order_params import SIDES, TIME_IN_FORCE, NewOrder, client_id, response_type

_COMMON = params.SIGNATURE_PARAMS | {
    "symbol",
    "listClientOrderId",
    "side",
    "quantity",
    "newOrderRespType",
    "selfTradePreventionMode",
}
_LEG_FIELDS = ("Type", "ClientOrderId", "Price", "StopPrice", "TimeInForce", "StrategyId", "StrategyType")
ACCEPTED_LIST_OCO = _COMMON | {f"{leg}{field}" for leg in ("above", "below") for field in _LEG_FIELDS}
ACCEPTED_ORDER_OCO = _COMMON | {
    "limitClientOrderId",
    "price",
    "limitStrategyId",
    "limitStrategyType",
    "stopClientOrderId",
    "stopPrice",
    "stopStrategyId",
    "stopStrategyType",
    "stopLimitPrice",
    "stopLimitTimeInForce",
}
# What each leg type needs besides the list's quantity (Binance reports the first one missing).
_NEEDS = {
    "LIMIT_MAKER": ("Price",),
    "STOP_LOSS": ("StopPrice",),
    "STOP_LOSS_LIMIT": ("Price", "StopPrice", "TimeInForce"),
    "TAKE_PROFIT": ("StopPrice",),
    "TAKE_PROFIT_LIMIT": ("Price", "StopPrice", "TimeInForce"),
}


def _common(values: Mapping[str, str], specs: Mapping[str, SymbolSpec]) -> tuple[SymbolSpec, str]:
    spec = specs.get(params.required(values, "symbol"))
    if spec is None:
        raise errors.invalid_symbol()
    side = params.required(values, "side")
    if side not in SIDES:
        raise errors.invalid_side()
    params.required(values, "quantity")
    return spec, side


def _time_in_force(values: Mapping[str, str], name: str) -> str:
    value = values.get(name, "GTC")
    if value not in TIME_IN_FORCE:
        raise errors.invalid_time_in_force()
    return value


def _leg(values: Mapping[str, str], spec: SymbolSpec, side: str, prefix: str) -> NewOrder:
    """The ``above``/``below`` leg of ``orderList/oco``."""
    leg_type = params.required(values, f"{prefix}Type")
    if leg_type not in LEG_TYPES:
        raise errors.oco_order_type_rejected()
    needs = _NEEDS[leg_type]
    for field in needs:
        if not values.get(prefix + field):
            raise errors.mandatory_missing(prefix + field)
    for field in ("Price", "StopPrice", "TimeInForce"):
        if prefix + field in values and field not in needs:
            raise errors.not_required(prefix + field)
    return NewOrder(
        spec=spec,
        side=side,
        type=leg_type,
        time_in_force=_time_in_force(values, f"{prefix}TimeInForce"),
        quantity=params.decimal(values, "quantity"),
        quote_qty=None,
        price=params.decimal(values, f"{prefix}Price"),
        stop_price=params.decimal(values, f"{prefix}StopPrice"),
        client_order_id=client_id(values, f"{prefix}ClientOrderId"),
        resp_type="RESULT",
    )


def parse_list_oco(values: Mapping[str, str], specs: Mapping[str, SymbolSpec]) -> NewOco:
    spec, side = _common(values, specs)
    return NewOco(
        above=_leg(values, spec, side, "above"),
        below=_leg(values, spec, side, "below"),
        list_client_order_id=client_id(values, "listClientOrderId"),
        resp_type=response_type(values, None),
    )


def parse_order_oco(values: Mapping[str, str], specs: Mapping[str, SymbolSpec]) -> NewOco:
    """The deprecated endpoint: a LIMIT_MAKER leg at ``price`` and a stop leg at ``stopPrice``."""
    spec, side = _common(values, specs)
    params.required(values, "price")
    params.required(values, "stopPrice")
    stop_limit = params.decimal(values, "stopLimitPrice")
    if stop_limit is not None and not values.get("stopLimitTimeInForce"):
        raise errors.mandatory_missing("stopLimitTimeInForce")
    if stop_limit is None and "stopLimitTimeInForce" in values:
        raise errors.not_required("stopLimitTimeInForce")
    quantity = params.decimal(values, "quantity")
    leg = functools.partial(NewOrder, spec=spec, side=side, quantity=quantity, quote_qty=None, resp_type="RESULT")
    limit = leg(
        type="LIMIT_MAKER",
        time_in_force="GTC",
        price=params.decimal(values, "price"),
        stop_price=None,
        client_order_id=client_id(values, "limitClientOrderId"),
    )
    stop = leg(
        type="STOP_LOSS_LIMIT" if stop_limit is not None else "STOP_LOSS",
        time_in_force=_time_in_force(values, "stopLimitTimeInForce"),
        price=stop_limit,
        stop_price=params.decimal(values, "stopPrice"),
        client_order_id=client_id(values, "stopClientOrderId"),
    )
    above, below = (stop, limit) if side == "BUY" else (limit, stop)
    return NewOco(above, below, client_id(values, "listClientOrderId"), response_type(values, None))
