"""Kraken's REST dispatch: ``GET /0/public/<Method>``, signed ``POST /0/private/<Method>``.

Answers are ``{"error": [], "result": {...}}``; rejections keep HTTP 200 with the error texts in
``error``, as Kraken does (an unknown method is 404 ``EGeneral:Unknown method``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fks_exchange_sim.application import Clock, Request, Response, Serve, VenueApplication, json_response
from fks_exchange_sim.errors import BinanceError
from fks_exchange_sim.faults import FaultInjector
from fks_exchange_sim.kraken import errors, names, private, public
from fks_exchange_sim.kraken.auth import KrakenAuth
from fks_exchange_sim.kraken.config import KrakenConfig
from fks_exchange_sim.kraken.limits import DecayingCounter
from fks_exchange_sim.routing import Venue

logger = logging.getLogger(__name__)
PUBLIC_PREFIX = "/0/public/"
PRIVATE_PREFIX = "/0/private/"
Params = dict[str, str]


@dataclass(frozen=True)
class PrivateRoute:
    handler: Callable[[private.PrivateCall], object]
    accepted: frozenset[str]
    # What the call adds to the key's call counter (0: on Kraken's separate trading limiter).
    cost: int = 1


def _route(handler: Callable[[private.PrivateCall], object], *accepted: str, cost: int = 1) -> PrivateRoute:
    return PrivateRoute(handler, frozenset(accepted) | {"nonce", "otp"}, cost)


PRIVATE: dict[str, PrivateRoute] = {
    "Balance": _route(private.balance),
    "BalanceEx": _route(private.balance_ex),
    "AddOrder": _route(
        private.add_order,
        "pair",
        "type",
        "ordertype",
        "volume",
        "price",
        "price2",
        "oflags",
        "timeinforce",
        "cl_ord_id",
        "userref",
        "validate",
        cost=0,
    ),
    "CancelOrder": _route(private.cancel_order, "txid", "cl_ord_id", cost=0),
    "QueryOrders": _route(private.query_orders, "txid", "trades", "userref", "consolidate_taker"),
    "OpenOrders": _route(private.open_orders, "trades", "userref", "cl_ord_id"),
    "ClosedOrders": _route(
        private.closed_orders, "trades", "userref", "cl_ord_id", "start", "end", "ofs", "closetime", "consolidate_taker"
    ),
    "TradesHistory": _route(
        private.trades_history, "type", "trades", "start", "end", "ofs", "consolidate_taker", cost=2
    ),
}
PUBLIC = {"Time", "SystemStatus", "Assets", "AssetPairs", "OHLC"}


def _params(text: str) -> Params:
    pairs = parse_qsl(text, keep_blank_values=True)
    values = dict(pairs)
    if len(values) < len(pairs):
        raise errors.invalid_arguments()
    return values


def _answer(result: object) -> Response:
    return json_response(200, {"error": [], "result": result}, {})


def _refusal(error: errors.KrakenError) -> Response:
    return json_response(error.http_status, error.body(), {})


class KrakenApplication(VenueApplication):
    def __init__(self, config: KrakenConfig, venue: Venue, faults: FaultInjector, clock: Clock) -> None:
        super().__init__(venue, faults, clock)
        self.config = config
        self.auth = KrakenAuth(config)
        self.tags = private.OrderTags()
        self.trading = DecayingCounter(
            config.trading_counter_max, config.trading_decay_per_s, errors.TRADING_RATE_LIMIT
        )

    def route(self, request: Request) -> Response | Serve:
        if request.path.startswith(PUBLIC_PREFIX) and request.path[len(PUBLIC_PREFIX) :] in PUBLIC:
            if request.method not in ("GET", "POST"):
                return _refusal(errors.KrakenError(errors.UNKNOWN_METHOD, 405))
            return lambda: self._guarded(lambda: self._public(request))
        name = request.path[len(PRIVATE_PREFIX) :] if request.path.startswith(PRIVATE_PREFIX) else ""
        route = PRIVATE.get(name)
        if route is None:
            return _refusal(errors.KrakenError(errors.UNKNOWN_METHOD, 404))
        if request.method != "POST":
            return _refusal(errors.KrakenError(errors.UNKNOWN_METHOD, 405))
        return lambda: self._guarded(lambda: self._private(route, request))

    def _guarded(self, serve: Callable[[], object]) -> Response:
        try:
            return _answer(serve())
        except errors.KrakenError as error:
            return _refusal(error)
        except BinanceError as error:  # the shared engine's rejection
            return _refusal(errors.from_engine(error))
        except Exception:
            logger.exception("kraken simulator failed")
            return _refusal(errors.KrakenError("EGeneral:Internal error", 500))

    def _public(self, request: Request) -> object:
        params = _params(request.query if request.method == "GET" else request.body)
        name, now = request.path[len(PUBLIC_PREFIX) :], self.clock()
        engine = self.venue.engine
        accepted = {
            "OHLC": {"pair", "interval", "since"},
            "AssetPairs": {"pair", "info"},
            "Assets": {"asset", "aclass"},
        }
        unknown = set(params) - accepted.get(name, set())
        if unknown:
            raise errors.invalid_arguments(sorted(unknown)[0])
        if name == "Time":
            return public.server_time(now)
        if name == "SystemStatus":
            return public.system_status(now)
        if name == "Assets":
            return public.assets(engine.specs)
        if name == "AssetPairs":
            if params.get("info", "info") != "info":
                raise errors.invalid_arguments("info")
            return public.asset_pairs(engine.specs, self.config.fees, params.get("pair"))
        spec = names.find_pair(engine.specs, params.get("pair", ""))
        if spec is None:
            raise errors.KrakenError(errors.UNKNOWN_PAIR)
        interval = params.get("interval", "1")
        since = params.get("since")
        if not interval.isdigit() or (since is not None and not since.isdigit()):
            raise errors.invalid_arguments("interval" if not interval.isdigit() else "since")
        return public.ohlc(self.venue.candles, spec, int(interval), None if since is None else int(since), now)

    def _private(self, route: PrivateRoute, request: Request) -> object:
        params = _params(request.body)
        key = self.auth.verify(
            request.header("API-Key"), request.header("API-Sign"), request.path, params.get("nonce"), request.body
        )
        now = self.clock()
        self.auth.calls.charge(key, route.cost, now)
        unknown = set(params) - route.accepted
        if unknown:
            raise errors.invalid_arguments(sorted(unknown)[0])
        return route.handler(private.PrivateCall(self.venue.engine, self.tags, params, now, key, self.trading))
