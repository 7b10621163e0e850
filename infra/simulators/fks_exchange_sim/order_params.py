"""``POST /api/v3/order`` parameters checked in Binance's order: presence, enums, then numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from fks_exchange_sim import errors, params
from fks_exchange_sim.markets import ORDER_TYPES, SymbolSpec

SIDES = ("BUY", "SELL")
TIME_IN_FORCE = ("GTC", "IOC", "FOK")
RESPONSE_TYPES = ("ACK", "RESULT", "FULL")
ACCEPTED = params.SIGNATURE_PARAMS | {
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
    "selfTradePreventionMode",
    "strategyId",
    "strategyType",
    "computeCommissionRates",
}
# Parameters each type needs, in the order Binance reports the first one missing.
_REQUIRED = {
    "LIMIT": ("timeInForce", "quantity", "price"),
    "MARKET": (),
    "LIMIT_MAKER": ("quantity", "price"),
    "STOP_LOSS": ("quantity", "stopPrice"),
    "STOP_LOSS_LIMIT": ("timeInForce", "quantity", "price", "stopPrice"),
    "TAKE_PROFIT": ("quantity", "stopPrice"),
    "TAKE_PROFIT_LIMIT": ("timeInForce", "quantity", "price", "stopPrice"),
}
_OPTIONAL = {"MARKET": ("quantity", "quoteOrderQty")}
_CLIENT_ID = re.compile(errors.CLIENT_ID_PATTERN)


@dataclass(frozen=True)
class NewOrder:
    spec: SymbolSpec
    side: str
    type: str
    time_in_force: str
    quantity: Decimal | None
    quote_qty: Decimal | None
    price: Decimal | None
    stop_price: Decimal | None
    client_order_id: str | None
    resp_type: str


def parse_new_order(values: Mapping[str, str], specs: Mapping[str, SymbolSpec]) -> NewOrder:
    spec = specs.get(params.required(values, "symbol"))
    if spec is None:
        raise errors.invalid_symbol()
    side = params.required(values, "side")
    if side not in SIDES:
        raise errors.invalid_side()
    order_type = params.required(values, "type")
    if order_type not in ORDER_TYPES:
        raise errors.invalid_order_type()
    _check_presence(values, order_type)
    time_in_force = values.get("timeInForce", "GTC")
    if time_in_force not in TIME_IN_FORCE:
        raise errors.invalid_time_in_force()
    return NewOrder(
        spec=spec,
        side=side,
        type=order_type,
        time_in_force=time_in_force,
        quantity=params.decimal(values, "quantity"),
        quote_qty=params.decimal(values, "quoteOrderQty"),
        price=params.decimal(values, "price"),
        stop_price=params.decimal(values, "stopPrice"),
        client_order_id=client_id(values, "newClientOrderId"),
        resp_type=response_type(values, order_type),
    )


def _check_presence(values: Mapping[str, str], order_type: str) -> None:
    required = _REQUIRED[order_type]
    for name in required:
        if not values.get(name):
            raise errors.mandatory_missing(name)
    allowed = set(required) | set(_OPTIONAL.get(order_type, ()))
    for name in ("timeInForce", "price", "stopPrice", "quoteOrderQty"):
        if name in values and name not in allowed:
            raise errors.not_required(name)
    if order_type == "MARKET":
        if not values.get("quantity") and not values.get("quoteOrderQty"):
            raise errors.BinanceError(
                -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"
            )
        if values.get("quantity") and values.get("quoteOrderQty"):
            raise errors.not_required("quoteOrderQty")


def client_id(values: Mapping[str, str], name: str) -> str | None:
    value = values.get(name)
    if value is not None and not _CLIENT_ID.match(value):
        raise errors.illegal_characters(name, errors.CLIENT_ID_PATTERN)
    return value


def response_type(values: Mapping[str, str], order_type: str | None) -> str:
    # Binance answers MARKET and LIMIT orders in full by default, every other type with an ACK;
    # order lists (``order_type`` None) report their legs in the RESULT shape.
    default = "FULL" if order_type in ("MARKET", "LIMIT") else "RESULT" if order_type is None else "ACK"
    resp_type = values.get("newOrderRespType", default)
    if resp_type not in RESPONSE_TYPES:
        raise errors.invalid_value("newOrderRespType")
    return resp_type
