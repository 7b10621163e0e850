"""Kraken's private endpoints: balances, orders and trades, on the shared engine.

Every handler takes the call's form parameters (``nonce`` already checked) and answers the
``result`` object; rejections are ``KrakenError``s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from fks_exchange_sim.engine import Engine
from fks_exchange_sim.kraken import errors, names, views
from fks_exchange_sim.kraken.limits import DecayingCounter, cancel_penalty
from fks_exchange_sim.markets import SymbolSpec, fmt8
from fks_exchange_sim.matching import STOP_TYPES
from fks_exchange_sim.order_params import NewOrder
from fks_exchange_sim.orders import Order

Params = Mapping[str, str]
Json = dict[str, object]
# Kraken's order type -> the shared engine's (a post-only limit is "limit" with the ``post`` flag).
_ENGINE_TYPES = {kraken: engine for engine, kraken in views.ORDER_TYPES.items() if engine != "LIMIT_MAKER"}
_TRIGGERED = {views.ORDER_TYPES[engine] for engine in STOP_TYPES}
_TRUE = {"true", "True", "1"}
TRADES_PAGE = 50


@dataclass
class OrderTags:
    """What Kraken remembers about an order that the engine does not: the caller's own ids."""

    client_ids: dict[int, str] = field(default_factory=dict)
    userrefs: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PrivateCall:
    engine: Engine
    tags: OrderTags
    params: Params
    now_ms: int
    api_key: str
    # The trading counter, per key and pair: AddOrder and CancelOrder are charged here.
    trading: DecayingCounter

    def charge_trading(self, pair: str, cost: int) -> None:
        self.trading.charge(f"{self.api_key}:{pair}", cost, self.now_ms)

    def spec(self, order: Order) -> SymbolSpec:
        return self.engine.specs[order.symbol]

    def view(self, order: Order, *, trades: bool) -> Json:
        return views.order_view(
            order,
            self.spec(order),
            client_id=self.tags.client_ids.get(order.order_id),
            userref=self.tags.userrefs.get(order.order_id, 0),
            trades=trades,
        )


def _decimal(params: Params, name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise errors.invalid_arguments(name) from None
    if not value.is_finite() or value <= 0:
        raise errors.invalid_arguments(name)
    return value


def _integer(params: Params, name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not raw.lstrip("-").isdigit():
        raise errors.invalid_arguments(name)
    return int(raw)


def _flag(params: Params, name: str) -> bool:
    return params.get(name) in _TRUE


def balance(call: PrivateCall) -> object:
    account = call.engine.account
    with call.engine.lock:
        call.engine.sweep(call.now_ms)
        return {names.asset_id(a): fmt8(account.free(a) + account.locked(a)) for a in account.assets()}


def balance_ex(call: PrivateCall) -> object:
    account = call.engine.account
    with call.engine.lock:
        call.engine.sweep(call.now_ms)
        return {
            names.asset_id(a): {
                "balance": fmt8(account.free(a) + account.locked(a)),
                "hold_trade": fmt8(account.locked(a)),
            }
            for a in account.assets()
        }


def _new_order(call: PrivateCall) -> tuple[NewOrder, int | None]:
    params = call.params
    spec = names.find_pair(call.engine.specs, params.get("pair", ""))
    if spec is None:
        raise errors.KrakenError(errors.UNKNOWN_PAIR)
    side = params.get("type")
    if side not in ("buy", "sell"):
        raise errors.invalid_arguments("type")
    kind = params.get("ordertype", "")
    if kind not in _ENGINE_TYPES:
        raise errors.invalid_arguments("ordertype")
    flags = set(filter(None, params.get("oflags", "").split(",")))
    if flags - {"post", "viqc", "fciq", "fcib", "nompp"} or ("post" in flags and kind != "limit"):
        raise errors.invalid_arguments("oflags")
    volume = _decimal(params, "volume")
    if volume is None:
        raise errors.invalid_arguments("volume")
    time_in_force = params.get("timeinforce", "GTC")
    if time_in_force not in ("GTC", "IOC"):
        raise errors.invalid_arguments("timeinforce")
    price, price2 = _decimal(params, "price"), _decimal(params, "price2")
    if kind != "market" and price is None:
        raise errors.invalid_arguments("price")
    if kind.endswith("-limit") and price2 is None:
        raise errors.invalid_arguments("price2")
    if (kind == "market" and price is not None) or (not kind.endswith("-limit") and price2 is not None):
        raise errors.invalid_arguments("price" if price2 is None else "price2")
    quote_volume = "viqc" in flags
    if quote_volume and (kind != "market" or side != "buy"):
        raise errors.invalid_arguments("oflags")
    engine_type = "LIMIT_MAKER" if "post" in flags else _ENGINE_TYPES[kind]
    request = NewOrder(
        spec=spec,
        side=side.upper(),
        type=engine_type,
        time_in_force=time_in_force,
        quantity=None if quote_volume else volume,
        quote_qty=volume if quote_volume else None,
        price=price2 if kind in _TRIGGERED else price,
        stop_price=price if kind in _TRIGGERED else None,
        client_order_id=params.get("cl_ord_id"),
        resp_type="FULL",
    )
    return request, _integer(params, "userref")


def add_order(call: PrivateCall) -> object:
    request, userref = _new_order(call)
    call.charge_trading(request.spec.symbol, 1)
    with call.engine.lock:  # the order and its tags appear together to concurrent readers
        order = call.engine.place(request, call.now_ms, test=_flag(call.params, "validate"))
        if order is None:  # ``validate``: checked, not placed
            return {"descr": {"order": _description_text(request)}}
        if request.client_order_id is not None:
            call.tags.client_ids[order.order_id] = request.client_order_id
        if userref is not None:
            call.tags.userrefs[order.order_id] = userref
    text = views.description(order, call.spec(order))["order"]
    return {"descr": {"order": text}, "txid": [names.order_txid(order.order_id)]}


def _description_text(request: NewOrder) -> str:
    volume = fmt8(request.quantity or request.quote_qty or Decimal(0))
    return f"{request.side.lower()} {volume} {names.pair_key(request.spec)}"


def _find(call: PrivateCall, txid: str) -> Order | None:
    order_id = names.parse_txid(txid)
    if order_id is None:
        return None
    return next((o for o in call.engine.orders(None, call.now_ms, open_only=False) if o.order_id == order_id), None)


def _by_client_id(call: PrivateCall, client_id: str) -> list[Order]:
    ids = [order_id for order_id, cid in call.tags.client_ids.items() if cid == client_id]
    return [o for o in call.engine.orders(None, call.now_ms, open_only=False) if o.order_id in ids]


def cancel_order(call: PrivateCall) -> object:
    txid, client_id = call.params.get("txid"), call.params.get("cl_ord_id")
    if (txid is None) == (client_id is None):
        raise errors.invalid_arguments("txid")
    if client_id is not None:
        targets = [o for o in _by_client_id(call, client_id) if o.is_open]
    elif txid is not None and txid.lstrip("-").isdigit():  # a userref cancels every order carrying it
        targets = [
            o
            for o in call.engine.orders(None, call.now_ms, open_only=True)
            if call.tags.userrefs.get(o.order_id) == int(txid)
        ]
    else:
        found = _find(call, txid or "")
        targets = [found] if found is not None and found.is_open else []
    if not targets:
        raise errors.KrakenError(errors.UNKNOWN_ORDER)
    for order in targets:
        call.charge_trading(order.symbol, cancel_penalty(call.now_ms - order.time))
        call.engine.cancel(order.symbol, order.order_id, None, call.now_ms)
    return {"count": len(targets)}


def _userref_matches(call: PrivateCall, order: Order) -> bool:
    wanted = _integer(call.params, "userref")
    return wanted is None or call.tags.userrefs.get(order.order_id) == wanted


def query_orders(call: PrivateCall) -> object:
    txids = [t for t in call.params.get("txid", "").split(",") if t]
    if not txids or len(txids) > 50:
        raise errors.invalid_arguments("txid")
    found = {}
    for txid in txids:
        order = _find(call, txid)
        if order is None:
            raise errors.KrakenError(errors.INVALID_ORDER)
        if _userref_matches(call, order):
            found[txid] = call.view(order, trades=_flag(call.params, "trades"))
    return found


def _selected(call: PrivateCall, *, open_only: bool) -> list[Order]:
    client_id = call.params.get("cl_ord_id")
    orders = call.engine.orders(None, call.now_ms, open_only=open_only)
    return [
        o
        for o in orders
        if _userref_matches(call, o) and (client_id is None or call.tags.client_ids.get(o.order_id) == client_id)
    ]


def open_orders(call: PrivateCall) -> object:
    trades = _flag(call.params, "trades")
    return {
        "open": {names.order_txid(o.order_id): call.view(o, trades=trades) for o in _selected(call, open_only=True)}
    }


def _window(call: PrivateCall, stamp: Callable[[int], int]) -> Callable[[int], bool]:
    start, end = _integer(call.params, "start"), _integer(call.params, "end")
    return lambda ms: (start is None or stamp(ms) > start) and (end is None or stamp(ms) <= end)


def closed_orders(call: PrivateCall) -> object:
    inside = _window(call, lambda ms: ms // 1000)
    closed = [o for o in _selected(call, open_only=False) if not o.is_open and inside(o.update_time)]
    closed.sort(key=lambda o: o.update_time, reverse=True)
    offset = _integer(call.params, "ofs") or 0
    trades = _flag(call.params, "trades")
    page = closed[offset : offset + TRADES_PAGE]
    return {"closed": {names.order_txid(o.order_id): call.view(o, trades=trades) for o in page}, "count": len(closed)}


def trades_history(call: PrivateCall) -> object:
    if call.params.get("type", "all") != "all":
        raise errors.invalid_arguments("type")
    inside = _window(call, lambda ms: ms // 1000)
    orders = {o.order_id: o for o in call.engine.orders(None, call.now_ms, open_only=False)}
    trades = [t for symbol in call.engine.specs for t in call.engine.trades(symbol, call.now_ms) if inside(t.time)]
    trades.sort(key=lambda t: t.trade_id, reverse=True)  # newest first, as Kraken lists them
    offset = _integer(call.params, "ofs") or 0
    page = trades[offset : offset + TRADES_PAGE]
    return {
        "trades": {
            names.trade_txid(t.trade_id): views.trade_view(t, orders[t.order_id], call.engine.specs[t.symbol])
            for t in page
        },
        "count": len(trades),
    }
