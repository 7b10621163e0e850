"""Coinbase Advanced Trade's REST dispatch under ``/api/v3/brokerage/`` (and ccxt's ``/v2/`` currency reads).

Private endpoints need a per-request ES256 JWT (auth.py); GET parameters are in the query (a name
may repeat, as Coinbase's list filters do), POST parameters a JSON body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl

from fks_exchange_sim.application import Clock, Request, Response, Serve, VenueApplication, json_response
from fks_exchange_sim.coinbase import errors, orders, products
from fks_exchange_sim.coinbase.auth import CoinbaseAuth, Unauthorized
from fks_exchange_sim.coinbase.config import CoinbaseConfig
from fks_exchange_sim.coinbase.limits import PerSecondLimiter
from fks_exchange_sim.errors import BinanceError
from fks_exchange_sim.faults import FaultInjector
from fks_exchange_sim.routing import Venue

logger = logging.getLogger(__name__)
Query = Mapping[str, list[str]]
LIST_LIMIT = 1000
FILLS_LIMIT = 1000


@dataclass(frozen=True)
class CoinbaseCall:
    app: CoinbaseApplication
    query: Query
    body: Mapping[str, object]
    path_args: dict[str, str]
    now_ms: int

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        if values is not None and len(values) > 1:
            raise errors.invalid_argument(f"{name} was sent more than once")
        return values[0] if values else None

    def integer(self, name: str, default: int, maximum: int) -> int:
        raw = self.one(name)
        if raw is None:
            return default
        if not raw.isdigit() or int(raw) < 1:
            raise errors.invalid_argument(f"{name} must be a positive integer")
        return min(int(raw), maximum)


Handler = Callable[[CoinbaseCall], object]


@dataclass(frozen=True)
class Route:
    method: str
    template: tuple[str, ...]
    handler: Handler
    accepted: frozenset[str]
    signed: bool

    def match(self, method: str, parts: tuple[str, ...]) -> dict[str, str] | None:
        if len(parts) != len(self.template):
            return None
        args = {}
        for want, got in zip(self.template, parts, strict=True):
            if want.startswith("{"):
                args[want[1:-1]] = got
            elif want != got:
                return None
        return args


def _lasts(call: CoinbaseCall) -> dict[str, Decimal]:
    engine = call.app.venue.engine
    return {s: spec.price_of_ticks(engine.last_ticks(s, call.now_ms)) for s, spec in engine.specs.items()}


def _products(call: CoinbaseCall) -> object:
    return products.products(list(call.app.venue.engine.specs.values()), _lasts(call), call.one("product_type"))


def _product(call: CoinbaseCall) -> object:
    spec = products.find_product(call.app.venue.engine.specs, call.path_args["product_id"])
    return products.product_view(spec, _lasts(call)[spec.symbol])


def _candles(call: CoinbaseCall) -> object:
    spec = products.find_product(call.app.venue.engine.specs, call.path_args["product_id"])
    start, end, granularity = call.one("start"), call.one("end"), call.one("granularity")
    if not start or not end or not start.isdigit() or not end.isdigit():
        raise errors.invalid_argument("start and end are required, in UNIX seconds")
    limit = call.integer("limit", products.MAX_CANDLES, products.MAX_CANDLES)
    answer = products.candles(call.app.venue.candles, spec, int(start), int(end), granularity or "", call.now_ms)
    answer["candles"] = answer["candles"][:limit]  # type: ignore[index]
    return answer


def _time(call: CoinbaseCall) -> object:
    return {"iso": products.iso(call.now_ms), "epochSeconds": str(call.now_ms // 1000), "epochMillis": str(call.now_ms)}


def _accounts(call: CoinbaseCall) -> object:
    engine = call.app.venue.engine
    with engine.lock:
        engine.sweep(call.now_ms)
        return products.accounts(engine.account)


def _summary(call: CoinbaseCall) -> object:
    engine = call.app.venue.engine
    trades = [t for s in engine.specs for t in engine.trades(s, call.now_ms)]
    volume = sum((t.quote_qty for t in trades), Decimal(0))
    return products.transaction_summary(engine.fees, volume, sum((t.commission for t in trades), Decimal(0)))


def _create(call: CoinbaseCall) -> object:
    return orders.create(call.app.venue.engine, call.app.book, call.body, call.now_ms)


def _cancel(call: CoinbaseCall) -> object:
    unknown = set(call.body) - {"order_ids"}
    if unknown:
        raise errors.invalid_argument(f"unknown field(s) {sorted(unknown)}")
    return orders.cancel(call.app.venue.engine, call.app.book, call.body.get("order_ids"), call.now_ms)


def _placed_orders(call: CoinbaseCall) -> list[tuple[orders.Placed, dict[str, object]]]:
    engine, book = call.app.venue.engine, call.app.book
    found = []
    for order in engine.orders(None, call.now_ms, open_only=False):
        placed = book.by_engine_id.get(order.order_id)
        # A bracket's legs are one order, listed once (by its stop leg).
        if placed is not None and placed.order_id == order.order_id:
            whole = orders.find(engine, placed, call.now_ms)
            found.append((placed, orders.order_view(whole, placed, engine.specs[order.symbol])))
    return found


def _order(call: CoinbaseCall) -> object:
    placed = call.app.book.by_uuid.get(call.path_args["order_id"])
    if placed is None:
        raise errors.not_found()
    engine = call.app.venue.engine
    order = orders.find(engine, placed, call.now_ms)
    return {"order": orders.order_view(order, placed, engine.specs[placed.symbol])}


def _list_orders(call: CoinbaseCall) -> object:
    statuses = set(call.query.get("order_status", []))
    if "OPEN" in statuses and len(statuses) > 1:
        raise errors.invalid_argument("OPEN cannot be combined with other order statuses")
    wanted_products = set(call.query.get("product_ids", []) + call.query.get("product_id", []))
    wanted_ids = set(call.query.get("order_ids", []))
    side = call.one("order_side")
    start, end = call.one("start_date"), call.one("end_date")
    selected = [
        view
        for placed, view in _placed_orders(call)
        if isinstance(view, dict)
        and (not statuses or view["status"] in statuses)
        and (not wanted_products or view["product_id"] in wanted_products)
        and (not wanted_ids or placed.uuid in wanted_ids)
        and (side is None or view["side"] == side)
        and (start is None or str(view["created_time"]) >= start)
        and (end is None or str(view["created_time"]) <= end)
    ]
    selected.sort(key=lambda view: str(view["created_time"]), reverse=True)
    chunk, cursor = orders.page(selected, call.one("cursor"), call.integer("limit", LIST_LIMIT, LIST_LIMIT))
    return {"orders": chunk, "sequence": "0", "has_next": bool(cursor), "cursor": cursor}


def _fills(call: CoinbaseCall) -> object:
    engine, book = call.app.venue.engine, call.app.book
    wanted_products = set(call.query.get("product_ids", []) + call.query.get("product_id", []))
    wanted_orders = set(call.query.get("order_ids", []) + call.query.get("order_id", []))
    start, end = call.one("start_sequence_timestamp"), call.one("end_sequence_timestamp")
    rows = []
    for symbol, spec in engine.specs.items():
        for trade in engine.trades(symbol, call.now_ms):
            placed = book.by_engine_id.get(trade.order_id)
            if placed is None:
                continue
            view = orders.fill_view(trade, placed, spec)
            if (
                (not wanted_products or view["product_id"] in wanted_products)
                and (not wanted_orders or placed.uuid in wanted_orders)
                and (start is None or str(view["trade_time"]) >= start)
                and (end is None or str(view["trade_time"]) <= end)
            ):
                rows.append(view)
    rows.sort(key=lambda view: str(view["trade_time"]), reverse=True)
    chunk, cursor = orders.page(rows, call.one("cursor"), call.integer("limit", FILLS_LIMIT, FILLS_LIMIT))
    return {"fills": chunk, "cursor": cursor}


def _fiat(call: CoinbaseCall) -> object:
    return products.fiat_currencies()


def _crypto(call: CoinbaseCall) -> object:
    return products.crypto_currencies(list(call.app.venue.engine.specs.values()))


def _rates(call: CoinbaseCall) -> object:
    if call.one("currency") not in (None, "USD"):
        raise errors.invalid_argument("only USD rates are simulated")
    return products.exchange_rates(list(call.app.venue.engine.specs.values()), _lasts(call))


def _r(method: str, path: str, handler: Handler, *accepted: str, signed: bool = True) -> Route:
    return Route(method, tuple(path.strip("/").split("/")), handler, frozenset(accepted), signed)


_PRODUCT_FILTERS = ("limit", "offset", "product_type", "product_ids", "get_all_products", "contract_expiry_type")
_CANDLE_PARAMS = ("start", "end", "granularity", "limit")
B = "/api/v3/brokerage"
ROUTES = (
    _r("GET", f"{B}/time", _time, signed=False),
    _r("GET", f"{B}/market/products", _products, *_PRODUCT_FILTERS, signed=False),
    _r("GET", f"{B}/market/products/{{product_id}}", _product, signed=False),
    _r("GET", f"{B}/market/products/{{product_id}}/candles", _candles, *_CANDLE_PARAMS, signed=False),
    _r("GET", f"{B}/products", _products, *_PRODUCT_FILTERS),
    _r("GET", f"{B}/products/{{product_id}}", _product),
    _r("GET", f"{B}/products/{{product_id}}/candles", _candles, *_CANDLE_PARAMS),
    _r("GET", f"{B}/accounts", _accounts, "limit", "cursor", "retail_portfolio_id"),
    _r("GET", f"{B}/transaction_summary", _summary, "product_type", "contract_expiry_type", "product_venue"),
    _r("POST", f"{B}/orders", _create),
    _r("POST", f"{B}/orders/batch_cancel", _cancel),
    _r(
        "GET",
        f"{B}/orders/historical/batch",
        _list_orders,
        "order_status",
        "product_id",
        "product_ids",
        "order_ids",
        "limit",
        "cursor",
        "start_date",
        "end_date",
        "order_side",
        "product_type",
    ),
    _r(
        "GET",
        f"{B}/orders/historical/fills",
        _fills,
        "product_id",
        "product_ids",
        "order_id",
        "order_ids",
        "limit",
        "cursor",
        "start_sequence_timestamp",
        "end_sequence_timestamp",
        "sort_by",
    ),
    _r("GET", f"{B}/orders/historical/{{order_id}}", _order),
    _r("GET", "/v2/currencies", _fiat, signed=False),
    _r("GET", "/v2/currencies/crypto", _crypto, signed=False),
    _r("GET", "/v2/exchange-rates", _rates, "currency", signed=False),
)


def _query(text: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        values.setdefault(name, []).append(value)
    return values


def _body(text: str) -> dict[str, object]:
    if not text.strip():
        return {}
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise errors.invalid_argument("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise errors.invalid_argument("the body must be a JSON object")
    return body


def _refusal(error: errors.CoinbaseError) -> Response:
    return json_response(error.http_status, error.body(), {})


class CoinbaseApplication(VenueApplication):
    def __init__(self, config: CoinbaseConfig, venue: Venue, faults: FaultInjector, clock: Clock) -> None:
        super().__init__(venue, faults, clock)
        self.config = config
        self.auth = CoinbaseAuth(config)
        self.limiter = PerSecondLimiter()
        self.book = orders.OrderBook()

    def route(self, request: Request) -> Response | Serve:
        parts = tuple(request.path.strip("/").split("/"))
        matched = [(route, route.match(request.method, parts)) for route in ROUTES]
        found = [(route, args) for route, args in matched if args is not None]
        if not found:
            return _refusal(errors.CoinbaseError(404, "NOT_FOUND", f"no route {request.path}"))
        route, args = next(((r, a) for r, a in found if r.method == request.method), (None, None))
        if route is None or args is None:
            return _refusal(errors.CoinbaseError(405, "METHOD_NOT_ALLOWED", f"{request.method} is not allowed here"))
        return lambda: self._serve(route, args, request)

    def _serve(self, route: Route, args: dict[str, str], request: Request) -> Response:
        try:
            return json_response(200, self._call(route, args, request), {})
        except Unauthorized:
            return Response(401, b"Unauthorized\n", "text/plain; charset=utf-8")
        except errors.CoinbaseError as error:
            return _refusal(error)
        except BinanceError as error:  # the shared engine's rejection outside order creation
            translated = errors.from_engine(error, None)
            if isinstance(translated, errors.OrderFailure):
                return _refusal(errors.invalid_argument(translated.message))
            return _refusal(translated)
        except Exception:
            logger.exception("coinbase simulator failed on %s %s", request.method, request.path)
            return _refusal(errors.CoinbaseError(500, "INTERNAL", "internal error"))

    def _call(self, route: Route, args: dict[str, str], request: Request) -> object:
        now = self.clock()
        if route.signed:
            key = self.auth.verify(
                request.header("Authorization"), request.method, request.header("Host"), request.path, now // 1000
            )
            self.limiter.charge(f"key:{key}", self.config.private_per_second, now)
        else:
            self.limiter.charge("ip:127.0.0.1", self.config.public_per_second, now)
        query = _query(request.query)
        unknown = sorted(set(query) - route.accepted)
        if unknown:
            raise errors.invalid_argument(f"unknown parameter(s) {unknown}")
        body = _body(request.body) if request.method == "POST" else {}
        return route.handler(CoinbaseCall(self, query, body, args, now))
