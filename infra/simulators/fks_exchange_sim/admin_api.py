"""The simulator's own endpoints under ``/sim/`` (not Binance's): move the price, inject faults,
count orders. Unsigned JSON, like the rest of the simulator reachable from loopback only.

- ``GET /sim/price?symbol=BTCUSDT`` and ``POST /sim/price`` ``{"symbol", "price"}`` or
  ``{"symbol", "change_pct"}`` (decimal strings);
- ``GET``/``POST``/``DELETE /sim/faults`` (``POST`` body ``{"seed"?: int, "faults": [...]}``, see faults.py);
- ``GET /sim/orders?symbol=&client_order_id=`` every order the venue holds, with counts.

Bad input answers 400 ``{"error": "..."}`` naming what was wrong.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol
from urllib.parse import parse_qsl

from fks_exchange_sim.faults import FaultInjector, parse_fault
from fks_exchange_sim.markets import SymbolSpec, fmt8
from fks_exchange_sim.routing import Venue


class Application(Protocol):
    """What the admin endpoints touch, on every simulated venue."""

    venue: Venue
    faults: FaultInjector

    def clock(self) -> int: ...


PREFIX = "/sim/"
MAX_PRICE = Decimal("1000000")
Query = Mapping[str, str]
Body = Mapping[str, object]
Handler = Callable[["Application", Query, Body], object]


def _only(values: Mapping[str, object], allowed: set[str], where: str) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(f"unknown {where} field(s) {unknown}; allowed: {sorted(allowed)}")


def _spec(app: Application, symbol: object) -> SymbolSpec:
    specs = app.venue.engine.specs
    if not isinstance(symbol, str) or symbol not in specs:
        raise ValueError(f"symbol must be one of {sorted(specs)}, not {symbol!r}")
    return specs[symbol]


def _decimal(body: Body, name: str) -> Decimal:
    raw = body[name]
    try:
        value = Decimal(raw) if isinstance(raw, str) else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or "_" in str(raw):
        raise ValueError(f'{name} must be a decimal string such as "41000.50", not {raw!r}')
    return value


def get_price(app: Application, query: Query, body: Body) -> object:
    _only(query, {"symbol"}, "query")
    spec, now = _spec(app, query.get("symbol")), app.clock()
    with app.venue.engine.lock:
        app.venue.engine.sweep(now)
        price = spec.price_of_ticks(app.venue.engine.last_ticks(spec.symbol, now))
    return {"symbol": spec.symbol, "price": fmt8(price), "time_ms": now}


def set_price(app: Application, query: Query, body: Body) -> object:
    _only(body, {"symbol", "price", "change_pct"}, "body")
    spec, now, engine = _spec(app, body.get("symbol")), app.clock(), app.venue.engine
    if ("price" in body) == ("change_pct" in body):
        raise ValueError("send exactly one of price and change_pct")
    with engine.lock:
        old = spec.price_of_ticks(engine.last_ticks(spec.symbol, now))
        if "price" in body:
            price = _decimal(body, "price")
            if price % spec.tick:
                raise ValueError(f"price {price} is not a multiple of {spec.symbol}'s tick size {spec.tick}")
        else:
            change = _decimal(body, "change_pct")
            if not Decimal(-100) < change <= Decimal(1000):
                raise ValueError(f"change_pct must be above -100 and at most 1000, not {change}")
            price = (old * (1 + change / 100)).quantize(spec.tick, rounding=ROUND_HALF_UP)
        if not spec.tick <= price <= MAX_PRICE:
            raise ValueError(f"price must be between {spec.tick} and {MAX_PRICE}, not {price}")
        engine.set_price(spec.symbol, int(price / spec.tick), now)
    return {"symbol": spec.symbol, "price": fmt8(price), "previous_price": fmt8(old), "time_ms": now}


def get_faults(app: Application, query: Query, body: Body) -> object:
    _only(query, set(), "query")
    return app.faults.report()


def add_faults(app: Application, query: Query, body: Body) -> object:
    _only(body, {"seed", "faults"}, "body")
    raw_faults, seed = body.get("faults"), body.get("seed")
    if not isinstance(raw_faults, list) or not raw_faults:
        raise ValueError("faults must be a non-empty list of fault objects")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError(f"seed must be an integer, not {seed!r}")
    faults = [parse_fault(raw) for raw in raw_faults]  # all or nothing
    if seed is not None:
        app.faults.reseed(seed)
    for fault in faults:
        app.faults.add(fault)
    return app.faults.report()


def clear_faults(app: Application, query: Query, body: Body) -> object:
    app.faults.clear()
    return app.faults.report()


def get_orders(app: Application, query: Query, body: Body) -> object:
    _only(query, {"symbol", "client_order_id"}, "query")
    symbol = _spec(app, query["symbol"]).symbol if "symbol" in query else None
    client_id = query.get("client_order_id")
    orders = [
        o
        for o in app.venue.engine.orders(symbol, app.clock(), open_only=False)
        if client_id is None or o.client_order_id == client_id
    ]
    return {
        "count": len(orders),
        "open": sum(1 for o in orders if o.is_open),
        "by_client_order_id": dict(Counter(o.client_order_id for o in orders)),
        "orders": [
            {
                "symbol": o.symbol,
                "order_id": o.order_id,
                "client_order_id": o.client_order_id,
                "order_list_id": o.order_list_id,
                "type": o.type,
                "side": o.side,
                "status": o.status,
                "price": fmt8(o.price),
                "stop_price": fmt8(o.stop_price),
                "quantity": fmt8(o.orig_qty),
                "executed_quantity": fmt8(o.executed_qty),
                "time_ms": o.time,
            }
            for o in orders
        ],
    }


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "price"): get_price,
    ("POST", "price"): set_price,
    ("GET", "faults"): get_faults,
    ("POST", "faults"): add_faults,
    ("DELETE", "faults"): clear_faults,
    ("GET", "orders"): get_orders,
}
_NAMES = {name for _, name in ROUTES}


def _body(text: str) -> Body:
    if not text.strip():
        return {}
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def handle(app: Application, method: str, path: str, query: str, body: str) -> tuple[int, object]:
    name = path[len(PREFIX) :]
    handler = ROUTES.get((method, name))
    if handler is None:
        if name in _NAMES:
            return 405, {"error": f"{method} is not allowed on {path}"}
        return 404, {"error": f"no simulator endpoint {path}; there are /sim/{{{','.join(sorted(_NAMES))}}}"}
    try:
        pairs = parse_qsl(query, keep_blank_values=True)
        values = dict(pairs)
        if len(values) < len(pairs):
            raise ValueError("a query parameter was sent twice")
        return 200, handler(app, values, _body(body))
    except ValueError as error:
        return 400, {"error": str(error)}
