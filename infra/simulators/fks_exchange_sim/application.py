"""Request dispatch, independent of sockets: fault injection, weight, signature, handler, JSON.

Paths under ``/sim/`` are the simulator's own admin endpoints (admin_api), never Binance's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from fks_exchange_sim import errors, list_api, params, public_api, replace_api, trade_api
from fks_exchange_sim.admin_api import PREFIX as ADMIN_PREFIX
from fks_exchange_sim.admin_api import handle as handle_admin
from fks_exchange_sim.faults import Fault, FaultInjector
from fks_exchange_sim.limits import RequestLimiter
from fks_exchange_sim.routing import Call, Route, Venue
from fks_exchange_sim.signing import SignedRequest, authenticate

API_PREFIX = "/api/v3/"
ROUTES: dict[tuple[str, str], Route] = {
    **public_api.ROUTES,
    **trade_api.ROUTES,
    **list_api.ROUTES,
    **replace_api.ROUTES,
}
_PATHS = {name for _, name in ROUTES}
Clock = Callable[[], int]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json;charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Injected faults: send the answer this much later, or close the connection without one.
    delay_ms: int = 0
    drop: bool = False


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    body: str
    api_key: str | None
    # Every request header (names as sent); the venues that sign with headers read theirs here.
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)


def _json(status: int, payload: object, headers: dict[str, str]) -> Response:
    return Response(status, json.dumps(payload, separators=(",", ":")).encode(), headers=headers)


json_response = _json
Serve = Callable[[], Response]


class VenueApplication:
    """What every simulated venue shares: the ``/sim/`` admin endpoints and injected faults.

    A venue finds the handler of a request (``route``): a 404/405 ``Response``, or a callable
    that serves it. Faults then decide whether it runs and what is answered.
    """

    def __init__(self, venue: Venue, faults: FaultInjector, clock: Clock) -> None:
        self.venue = venue
        self.faults = faults
        self.clock = clock

    def route(self, request: Request) -> Response | Serve:
        raise NotImplementedError

    def fault_error(self, error: errors.BinanceError) -> Response:
        """An injected error with a ``code``; venues other than Binance answer a bare page."""
        return Response(error.http_status, b"<html><body><h1>Error</h1></body></html>", "text/html", error.headers)

    def handle(self, request: Request) -> Response:
        if request.path.startswith(ADMIN_PREFIX):
            status, payload = handle_admin(self, request.method, request.path, request.query, request.body)
            return _json(status, payload, {})
        serve = self.route(request)
        if isinstance(serve, Response):
            return serve
        fault = self.faults.take(request.method, request.path)
        if fault is None:
            return serve()
        return self._faulted(fault, serve)

    def _faulted(self, fault: Fault, serve: Serve) -> Response:
        served = serve() if fault.apply else None
        reply = fault.error_answer()
        if isinstance(reply, errors.BinanceError):
            answer = self.fault_error(reply)
        elif reply is not None:
            answer = Response(reply[0], reply[1].encode(), "text/html")
        elif served is not None:
            answer = served
        else:  # a timeout that was not applied: nothing to answer anyway
            answer = Response(504, b"", "text/html")
        return replace(answer, delay_ms=fault.delay_ms, drop=fault.drops)


class Application(VenueApplication):
    """Binance's spot REST API."""

    def __init__(self, venue: Venue, limiter: RequestLimiter, faults: FaultInjector, clock: Clock) -> None:
        super().__init__(venue, faults, clock)
        self.limiter = limiter

    def route(self, request: Request) -> Response | Serve:
        name = request.path[len(API_PREFIX) :] if request.path.startswith(API_PREFIX) else None
        route = ROUTES.get((request.method, name or ""))
        if route is None:
            status = 405 if name in _PATHS else 404
            return Response(status, b"<html><body><h1>Not Found</h1></body></html>", "text/html")
        return lambda: self._serve(route, request)

    def fault_error(self, error: errors.BinanceError) -> Response:
        return _json(error.http_status, error.body(), error.headers)

    def _serve(self, route: Route, request: Request) -> Response:
        headers: dict[str, str] = {}
        try:
            return _json(200, self._dispatch(route, request, headers), headers)
        except errors.BinanceError as error:
            return _json(error.http_status, error.body(), {**headers, **error.headers})
        except Exception:
            logger.exception("exchange simulator failed on %s %s", request.method, request.path)
            return _json(500, errors.unknown_error().body(), headers)

    def _dispatch(self, route: Route, request: Request, headers: dict[str, str]) -> object:
        now = self.clock()
        values = params.parse(request.query, request.body)
        headers.update(self.limiter.charge(route.weight_of(values), now))
        if route.signed:
            keys = {self.venue.config.api_key: self.venue.config.api_secret}
            authenticate(SignedRequest(request.api_key, request.query, request.body, values), keys, now)
        params.check_all_read(values, route.accepted)
        if route.places_orders:
            headers.update(self.limiter.count_order(now, route.places_orders))
        return route.handler(Call(self.venue, values, now))
