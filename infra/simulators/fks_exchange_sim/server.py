"""The HTTP server and ``ExchangeSimulator``, the handle tests and the local stack hold."""

from __future__ import annotations

import json
import logging
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from fks_exchange_sim import venues
from fks_exchange_sim.account import Account
from fks_exchange_sim.application import Application, Clock, Request, Response, VenueApplication
from fks_exchange_sim.candles import CandleSource
from fks_exchange_sim.config import SimulatorConfig
from fks_exchange_sim.engine import Engine
from fks_exchange_sim.faults import FaultInjector, error_fault, parse_fault
from fks_exchange_sim.limits import RequestLimiter
from fks_exchange_sim.routing import Venue

logger = logging.getLogger(__name__)
# It takes trading requests signed with a published secret: never reachable from another host.
_LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1"}


class PortInUseError(OSError):
    pass


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: VenueApplication) -> None:
        self.app = app
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as ccxt's requests session expects
    timeout = 60  # close idle keep-alive connections
    # Headers and body leave in two writes: with Nagle on, the body waits ~40 ms for the
    # client's delayed ACK on every keep-alive request.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        request = Request(self.command, path, query, body, self.headers.get("X-MBX-APIKEY"), dict(self.headers.items()))
        self._send(self.server.app.handle(request))

    def _send(self, response: Response) -> None:
        if response.delay_ms:
            time.sleep(response.delay_ms / 1000)
        if response.drop:
            # An injected lost answer: close the connection without a status line.
            self.close_connection = True
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)


class ExchangeSimulator:
    """A spot REST look-alike of ``venue`` (binance, kraken, coinbase) on loopback. ``port=0`` picks a free port.

    ``venue_config`` is the venue's own settings (credentials, fees, rate limits):
    ``KrakenConfig`` or ``CoinbaseConfig``; Binance's are in ``config``.
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        config: SimulatorConfig | None = None,
        clock: Clock | None = None,
        venue: str = "binance",
        venue_config: object | None = None,
    ) -> None:
        if host not in _LOOPBACK:
            raise ValueError(f"the exchange simulator binds loopback only, not {host!r}")
        self.config = config or SimulatorConfig()
        self._host, self._port = _LOOPBACK[host], port
        self.venue_name = venue
        self.candles = CandleSource(self.config.symbols, self.config.seed)
        self.account = Account(self.config.balances)
        self.venue_config = venues.venue_config(venue, venue_config)
        self.engine = Engine(
            self.config.symbols,
            self.candles,
            self.account,
            fee_rate=self.config.fee_rate,
            spread_bps=self.config.spread_bps,
            fees=venues.fees(self.venue_config),
            holds_untriggered=venues.holds_untriggered(self.venue_config),
        )
        self.faults = FaultInjector()
        shared = Venue(self.config, self.candles, self.engine)
        clock = clock or wall_clock_ms
        self.app: VenueApplication = (
            Application(shared, RequestLimiter(self.config), self.faults, clock)
            if self.venue_config is None
            else venues.application(self.venue_config, shared, self.faults, clock)
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the exchange simulator is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def ccxt_arguments(self) -> dict[str, str]:
        """What ``make_exchange(sim.venue_name, base_url=sim.url, **these)`` needs to trade here."""
        return venues.ccxt_arguments(self.config, self.venue_config)

    def start(self) -> ExchangeSimulator:
        try:
            self._server = _Server((self._host, self._port), self.app)
        except OSError as error:
            raise PortInUseError(
                error.errno, f"cannot listen on {self._host}:{self._port}: {error.strerror}"
            ) from error
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"{self.venue_name}-sim", daemon=True)
        self._thread.start()
        # Build the hour caches now so the first klines request does not pay for them.
        threading.Thread(target=self._warm_up, name="exchange-sim-warm-up", daemon=True).start()
        logger.info("%s simulator listening on %s", self.venue_name, self.url)
        return self

    def _warm_up(self) -> None:
        for spec in self.config.symbols:
            self.candles.close_ticks(spec.symbol, self.app.clock())

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> ExchangeSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def inject_error(
        self,
        path: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        msg: str | None = None,
        method: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests to ``path`` with an error instead of serving them.

        With ``code``, a Binance error body (status from the code unless given); with only
        ``http_status``, a bare HTML error page as a proxy or load balancer would send.
        """
        self.faults.add(error_fault(path, code=code, http_status=http_status, msg=msg, method=method, times=times))

    def inject_faults(self, faults: list[dict[str, object]], *, seed: int | None = None) -> None:
        """Add faults as ``POST /sim/faults`` takes them (see faults.py); ValueError names a bad one."""
        parsed = [parse_fault(fault) for fault in faults]
        if seed is not None:
            self.faults.reseed(seed)
        for fault in parsed:
            self.faults.add(fault)

    def clear_errors(self) -> None:
        self.faults.clear()

    def set_price(self, symbol: str, price: Decimal) -> Decimal:
        """Move ``symbol``'s price to ``price`` now (as ``POST /sim/price``); returns the old price."""
        spec = self.engine.specs[symbol]
        if price <= 0 or price % spec.tick:
            raise ValueError(f"price {price} is not a positive multiple of {symbol}'s tick size {spec.tick}")
        old = self.engine.set_price(symbol, int(price / spec.tick), self.app.clock())
        return spec.price_of_ticks(old)

    def price(self, symbol: str) -> Decimal:
        """The last price of ``symbol`` now."""
        spec = self.engine.specs[symbol]
        return spec.price_of_ticks(self.engine.last_ticks(symbol, self.app.clock()))

    def venue_orders(self, client_order_id: str | None = None) -> list[dict[str, object]]:
        """Every order the venue holds (``GET /sim/orders``), optionally only one client id's."""
        query = f"client_order_id={client_order_id}" if client_order_id is not None else ""
        response = self.app.handle(Request("GET", "/sim/orders", query, "", None))
        return list(json.loads(response.body)["orders"])

    def balance(self, asset: str) -> tuple[Decimal, Decimal]:
        """``(free, locked)`` of ``asset`` right now, after matching resting orders."""
        with self.engine.lock:
            self.engine.sweep(self.app.clock())
            return self.account.free(asset), self.account.locked(asset)
