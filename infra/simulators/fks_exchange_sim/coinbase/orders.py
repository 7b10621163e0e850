"""Coinbase Advanced Trade orders on the shared engine: create, batch cancel, get, list, fills.

An ``order_configuration`` names one kind: ``market_market_ioc`` (``base_size`` or ``quote_size``,
the amount to spend fees included), ``limit_limit_gtc`` (``post_only``), ``limit_limit_fok``,
``sor_limit_ioc``, ``stop_limit_stop_limit_gtc`` (``stop_direction`` STOP_UP/STOP_DOWN: a sell
that stops down and a buy that stops up are stop-losses, the other two take-profits) and
``trigger_bracket_gtc`` (one order closing a position: a limit at ``limit_price`` resting as its
take profit, a stop at ``stop_trigger_price`` that, triggered, becomes a limit 5 % beyond its
trigger; whichever acts first ends the other). A bracket is the engine's OCO list under one
Coinbase order: one id, one status, its fills from either leg. A ``client_order_id`` seen before
answers the order it created, without placing another (Coinbase's idempotent create).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from fks_exchange_sim.coinbase import errors
from fks_exchange_sim.coinbase.products import find_product, iso, number, product_id, stable_uuid
from fks_exchange_sim.engine import Engine
from fks_exchange_sim.errors import BinanceError
from fks_exchange_sim.markets import SymbolSpec
from fks_exchange_sim.order_lists import NewOco
from fks_exchange_sim.order_params import NewOrder
from fks_exchange_sim.orders import Order, Trade

Json = dict[str, object]
# configuration kind -> (engine type, time in force, Coinbase's time_in_force, fields it takes)
_KINDS: dict[str, tuple[str, str, str, frozenset[str]]] = {
    "market_market_ioc": ("MARKET", "IOC", "IMMEDIATE_OR_CANCEL", frozenset({"base_size", "quote_size"})),
    "limit_limit_gtc": ("LIMIT", "GTC", "GOOD_UNTIL_CANCELLED", frozenset({"base_size", "limit_price", "post_only"})),
    "limit_limit_fok": ("LIMIT", "FOK", "FILL_OR_KILL", frozenset({"base_size", "limit_price"})),
    "sor_limit_ioc": ("LIMIT", "IOC", "IMMEDIATE_OR_CANCEL", frozenset({"base_size", "limit_price"})),
    "stop_limit_stop_limit_gtc": (
        "STOP_LIMIT",
        "GTC",
        "GOOD_UNTIL_CANCELLED",
        frozenset({"base_size", "limit_price", "stop_price", "stop_direction"}),
    ),
    "trigger_bracket_gtc": (
        "BRACKET",
        "GTC",
        "GOOD_UNTIL_CANCELLED",
        frozenset({"base_size", "limit_price", "stop_trigger_price"}),
    ),
}
BRACKET = "trigger_bracket_gtc"
# A triggered bracket stop becomes a limit this far beyond its trigger (5 %, Coinbase's rule).
BRACKET_STOP_SLIPPAGE = Decimal("0.05")
_STATUSES = {
    "NEW": "OPEN",
    "PARTIALLY_FILLED": "OPEN",
    "FILLED": "FILLED",
    "CANCELED": "CANCELLED",
    "EXPIRED": "EXPIRED",
}
_ORDER_TYPES = {"MARKET": "MARKET", "LIMIT": "LIMIT", "LIMIT_MAKER": "LIMIT"}
CREATE_FIELDS = frozenset({"client_order_id", "product_id", "side", "order_configuration", "retail_portfolio_id"})


@dataclass
class Placed:
    """What Coinbase keeps about an order beyond the engine's record."""

    order_id: int
    symbol: str
    uuid: str
    client_order_id: str
    kind: str
    configuration: Json
    # A bracket's engine orders, stop leg first (``order_id`` is its stop leg); empty otherwise.
    legs: tuple[int, ...] = ()

    @property
    def size_in_quote(self) -> bool:
        fields = self.configuration.get(self.kind)
        return isinstance(fields, dict) and "quote_size" in fields


@dataclass
class OrderBook:
    by_uuid: dict[str, Placed] = field(default_factory=dict)
    by_engine_id: dict[int, Placed] = field(default_factory=dict)
    by_client_id: dict[str, Placed] = field(default_factory=dict)

    def add(self, placed: Placed) -> None:
        self.by_uuid[placed.uuid] = placed
        for engine_id in placed.legs or (placed.order_id,):
            self.by_engine_id[engine_id] = placed
        self.by_client_id[placed.client_order_id] = placed


def _decimal(values: Mapping[str, object], name: str) -> Decimal | None:
    raw = values.get(name)
    if raw is None:
        return None
    try:
        value = Decimal(raw) if isinstance(raw, str) else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise errors.invalid_argument(f"{name} must be a positive decimal string, not {raw!r}")
    return value


def _engine_type(side: str, direction: object) -> str:
    if direction not in ("STOP_DIRECTION_STOP_UP", "STOP_DIRECTION_STOP_DOWN"):
        raise errors.invalid_argument("stop_direction must be STOP_DIRECTION_STOP_UP or STOP_DIRECTION_STOP_DOWN")
    stops_loss = (side == "SELL") == (direction == "STOP_DIRECTION_STOP_DOWN")
    return "STOP_LOSS_LIMIT" if stops_loss else "TAKE_PROFIT_LIMIT"


def _bracket(request: NewOrder) -> NewOco:
    """A bracket as the engine's OCO: the take profit rests as a limit maker, the stop waits."""
    trigger = request.stop_price
    assert trigger is not None  # parse_create requires it
    sell = request.side == "SELL"
    tick = request.spec.tick
    beyond = trigger * (1 - BRACKET_STOP_SLIPPAGE if sell else 1 + BRACKET_STOP_SLIPPAGE)
    limit = (beyond / tick).to_integral_value(ROUND_FLOOR if sell else ROUND_CEILING) * tick
    take = replace(request, type="LIMIT_MAKER", client_order_id=None)
    stop = replace(request, type="STOP_LOSS_LIMIT", price=limit, stop_price=trigger, client_order_id=None)
    above, below = (take, stop) if sell else (stop, take)
    return NewOco(above=above, below=below, list_client_order_id=None, resp_type="FULL")


def _trigger(engine_type: str, side: str, fields: Mapping[str, object]) -> tuple[str, Decimal | None]:
    """The engine's type and the trigger price of a stop (``stop_price``) or bracket (``stop_trigger_price``)."""
    if engine_type == "STOP_LIMIT":
        stop = _decimal(fields, "stop_price")
        if stop is None:
            raise errors.invalid_argument("stop_price is required")
        return _engine_type(side, fields.get("stop_direction")), stop
    if engine_type == "BRACKET":
        stop = _decimal(fields, "stop_trigger_price")
        if stop is None:
            raise errors.invalid_argument("stop_trigger_price is required")
        return engine_type, stop
    return engine_type, None


def parse_create(body: Mapping[str, object], specs: Mapping[str, SymbolSpec]) -> tuple[NewOrder, str, Json]:
    """The engine's order, the configuration kind and its fields; 400 names the first bad field."""
    unknown = sorted(set(body) - CREATE_FIELDS)
    if unknown:
        raise errors.invalid_argument(f"unknown field(s) {unknown}")
    client_id = body.get("client_order_id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > 128:
        raise errors.invalid_argument("client_order_id is required (a string of at most 128 characters)")
    spec = find_product(specs, str(body.get("product_id")))
    side = body.get("side")
    if side not in ("BUY", "SELL"):
        raise errors.invalid_argument("side must be BUY or SELL")
    configuration = body.get("order_configuration")
    if not isinstance(configuration, dict) or len(configuration) != 1:
        raise errors.invalid_argument("order_configuration must hold exactly one order kind")
    kind, fields = next(iter(configuration.items()))
    if kind not in _KINDS:
        raise errors.OrderFailure(
            "UNSUPPORTED_ORDER_CONFIGURATION", f"{kind} is not simulated", "UNKNOWN_PREVIEW_FAILURE_REASON"
        )
    engine_type, time_in_force, _, allowed = _KINDS[kind]
    if not isinstance(fields, dict) or set(fields) - allowed:
        raise errors.invalid_argument(f"{kind} takes {sorted(allowed)}")
    base, quote = _decimal(fields, "base_size"), _decimal(fields, "quote_size")
    if (base is None) == (quote is None):
        raise errors.invalid_argument(f"{kind} needs exactly one of base_size and quote_size")
    limit = _decimal(fields, "limit_price")
    if engine_type != "MARKET" and limit is None:
        raise errors.invalid_argument("limit_price is required")
    engine_type, stop = _trigger(engine_type, str(side), fields)
    if fields.get("post_only") is True:
        engine_type = "LIMIT_MAKER"
    request = NewOrder(
        spec=spec,
        side=str(side),
        type=engine_type,
        time_in_force=time_in_force,
        quantity=base,
        quote_qty=quote,
        price=limit,
        stop_price=stop,
        client_order_id=client_id,
        resp_type="FULL",
    )
    return request, kind, dict(configuration)


def create(engine: Engine, book: OrderBook, body: Mapping[str, object], now_ms: int) -> Json:
    configuration: object = body.get("order_configuration", {})
    try:
        request, kind, configuration = parse_create(body, engine.specs)
        with engine.lock:  # one order per client_order_id, however many deliveries race
            known = book.by_client_id.get(str(request.client_order_id))
            if known is None:
                if request.type == "BRACKET":
                    legs = engine.place_oco(_bracket(request), now_ms).orders
                else:
                    order = engine.place(request, now_ms)
                    assert order is not None
                    legs = [order]
                known = Placed(
                    legs[0].order_id,
                    legs[0].symbol,
                    stable_uuid("order", legs[0].order_id),
                    str(request.client_order_id),
                    kind,
                    configuration,
                    tuple(leg.order_id for leg in legs) if len(legs) > 1 else (),
                )
                book.add(known)
    except errors.OrderFailure as failure:
        return _failed(failure, configuration)
    except BinanceError as error:
        direction = _stop_direction(configuration)
        translated = errors.from_engine(error, direction)
        if isinstance(translated, errors.CoinbaseError):
            raise translated from None
        return _failed(translated, configuration)
    order = find(engine, known, now_ms)
    return {
        "success": True,
        "failure_reason": "UNKNOWN_FAILURE_REASON",
        "order_id": known.uuid,
        "success_response": {
            "order_id": known.uuid,
            "product_id": product_id(engine.specs[known.symbol]),
            "side": order.side,
            "client_order_id": known.client_order_id,
        },
        "order_configuration": known.configuration,
    }


def _stop_direction(configuration: object) -> str | None:
    fields = configuration.get("stop_limit_stop_limit_gtc") if isinstance(configuration, dict) else None
    return str(fields.get("stop_direction")) if isinstance(fields, dict) else None


def _failed(failure: errors.OrderFailure, configuration: object) -> Json:
    return {
        "success": False,
        "failure_reason": "UNKNOWN_FAILURE_REASON",
        "order_id": "",
        "error_response": failure.error_response(),
        "order_configuration": configuration,
    }


def cancel(engine: Engine, book: OrderBook, order_ids: object, now_ms: int) -> Json:
    if not isinstance(order_ids, list) or not order_ids or not all(isinstance(i, str) for i in order_ids):
        raise errors.invalid_argument("order_ids must be a non-empty list of order ids")
    results = []
    for order_id in order_ids:
        placed = book.by_uuid.get(order_id)
        reason = "UNKNOWN_CANCEL_ORDER"
        if placed is not None:
            try:
                order = find(engine, placed, now_ms)
                if order.is_open:
                    engine.cancel(order.symbol, order.order_id, None, now_ms)
                    reason = ""
                else:
                    reason = "COMMANDER_REJECTED_CANCEL_ORDER"
            except BinanceError:
                reason = "UNKNOWN_CANCEL_ORDER"
        results.append(
            {"success": not reason, "failure_reason": reason or "UNKNOWN_CANCEL_FAILURE_REASON", "order_id": order_id}
        )
    return {"results": results}


def find(engine: Engine, placed: Placed, now_ms: int) -> Order:
    """The engine's order behind ``placed``; a bracket's legs as one order (its stop leg's ids)."""
    order = engine.find(placed.symbol, placed.order_id, None, now_ms)
    if not placed.legs:
        return order
    legs = [engine.find(placed.symbol, leg, None, now_ms) for leg in placed.legs]
    if any(leg.status == "FILLED" for leg in legs):
        status = "FILLED"
    elif any(leg.is_open for leg in legs):
        status = "NEW"
    else:
        status = "CANCELED"
    return replace(
        order,
        status=status,
        executed_qty=sum((leg.executed_qty for leg in legs), Decimal(0)),
        cumulative_quote_qty=sum((leg.cumulative_quote_qty for leg in legs), Decimal(0)),
        locked=sum((leg.locked for leg in legs), Decimal(0)),
        fills=[trade for leg in legs for trade in leg.fills],
        update_time=max(leg.update_time for leg in legs),
    )


def order_view(order: Order, placed: Placed, spec: SymbolSpec) -> Json:
    fees = sum((t.commission for t in order.fills), Decimal(0))
    value = order.cumulative_quote_qty
    average = value / order.executed_qty if order.executed_qty else Decimal(0)
    stop = order.type in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")
    return {
        "order_id": placed.uuid,
        "product_id": product_id(spec),
        "user_id": stable_uuid("user", "sim"),
        "order_configuration": placed.configuration,
        "side": order.side,
        "client_order_id": placed.client_order_id,
        "status": _STATUSES[order.status],
        "time_in_force": _KINDS[placed.kind][2],
        "created_time": iso(order.time),
        "completion_percentage": "100" if order.status == "FILLED" else "0",
        "filled_size": number(order.executed_qty),
        "average_filled_price": number(average),
        "fee": "",
        "number_of_fills": str(len(order.fills)),
        "filled_value": number(value),
        "pending_cancel": False,
        "size_in_quote": placed.size_in_quote,
        "total_fees": number(fees),
        "size_inclusive_of_fees": False,
        "total_value_after_fees": number(value + fees if order.side == "BUY" else value - fees),
        "trigger_status": ("STOP_TRIGGERED" if order.is_working else "STOP_PENDING") if stop else "INVALID_ORDER_TYPE",
        "order_type": "BRACKET" if placed.legs else "STOP_LIMIT" if stop else _ORDER_TYPES[order.type],
        "reject_reason": "",
        "settled": not order.is_open,
        "product_type": "SPOT",
        "reject_message": "",
        "cancel_message": "User requested cancel" if order.status == "CANCELED" else "",
        "order_placement_source": "RETAIL_ADVANCED",
        "outstanding_hold_amount": number(order.locked),
        "is_liquidation": False,
        "last_fill_time": iso(order.fills[-1].time) if order.fills else None,
        "edit_history": [],
        "leverage": "",
        "margin_type": "UNKNOWN_MARGIN_TYPE",
        "retail_portfolio_id": stable_uuid("portfolio", "default"),
    }


def fill_view(trade: Trade, placed: Placed, spec: SymbolSpec) -> Json:
    return {
        "entry_id": stable_uuid("entry", trade.trade_id),
        "trade_id": stable_uuid("trade", trade.trade_id),
        "order_id": placed.uuid,
        "trade_time": iso(trade.time),
        "trade_type": "FILL",
        "price": number(trade.price),
        "size": number(trade.qty),
        "commission": number(trade.commission),
        "product_id": product_id(spec),
        "sequence_timestamp": iso(trade.time),
        "liquidity_indicator": "MAKER" if trade.is_maker else "TAKER",
        "size_in_quote": False,
        "user_id": stable_uuid("user", "sim"),
        "side": "BUY" if trade.is_buyer else "SELL",
        "retail_portfolio_id": stable_uuid("portfolio", "default"),
    }


def page(items: Sequence[Json], cursor: str | None, limit: int) -> tuple[list[Json], str]:
    """One page and the cursor of the next ("" after the last), Coinbase's cursor paging."""
    start = int(cursor) if cursor else 0
    chunk = list(items[start : start + limit])
    return chunk, str(start + limit) if start + limit < len(items) else ""
