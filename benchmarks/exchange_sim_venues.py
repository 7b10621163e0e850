"""What each simulated venue costs a ccxt client: Binance, Kraken and Coinbase side by side.

Over HTTP with ccxt's real classes (their throttle off, the venues' limits lifted, so the figures
are the simulators' and the clients' signing): load_markets, a page of 1m candles (each venue's
page: Binance 1000, Kraken its 720-candle window, Coinbase 300), the balance, and a resting limit
placed and cancelled. Kraken signs with HMAC-SHA512, Coinbase with an ES256 JWT per request.
Figures are printed; nothing is asserted.
Run: .venv/bin/python benchmarks/exchange_sim_venues.py [rounds]
"""

from __future__ import annotations

import sys
from decimal import Decimal

from exchange_sim_orders import _report, _timed

from fks_adapters.exchanges import make_exchange
from fks_exchange_sim import ExchangeSimulator, SimulatorConfig
from fks_exchange_sim.coinbase import CoinbaseConfig
from fks_exchange_sim.kraken import KrakenConfig

_LIFTED = {
    "binance": {"config": SimulatorConfig(order_limit_10s=1_000_000, weight_limit_1m=100_000_000)},
    "kraken": {"venue_config": KrakenConfig(counter_max=Decimal(10**9), trading_counter_max=Decimal(10**9))},
    "coinbase": {"venue_config": CoinbaseConfig(private_per_second=10**9, public_per_second=10**9)},
}
_PAGE = {"binance": 1000, "kraken": 720, "coinbase": 300}


def bench(venue: str, rounds: int) -> None:
    with ExchangeSimulator(port=0, venue=venue, **_LIFTED[venue]) as sim:  # type: ignore[arg-type]
        ex = make_exchange(venue, base_url=sim.url, **sim.ccxt_arguments())
        ex.enableRateLimit = False
        for symbol in ("BTCUSDT", "ETHUSDT", "SOLUSDT"):
            sim.price(symbol)  # waits for the start-up warm-up of the hour caches, not timed
        below = float((sim.price("BTCUSDT") * Decimal("0.9")).quantize(Decimal("0.01")))
        since = ex.milliseconds() - (_PAGE[venue] + 5) * 60_000

        def limit_round_trip(i: int) -> None:
            order = ex.create_order("BTC/USDT", "limit", "buy", 0.001, below)
            ex.cancel_order(order["id"], "BTC/USDT")

        _report(f"{venue}: load_markets", _timed(lambda i: ex.load_markets(reload=True), rounds))
        page = _timed(lambda i: ex.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=_PAGE[venue]), rounds)
        _report(f"{venue}: fetch_ohlcv 1m x {_PAGE[venue]}", page)
        _report(f"{venue}: fetch_balance", _timed(lambda i: ex.fetch_balance(), rounds))
        _report(f"{venue}: limit place + cancel", _timed(limit_round_trip, rounds))


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    for name in ("binance", "kraken", "coinbase"):
        bench(name, count)
