"""How fast the exchange simulator answers the order paths the engine uses, and what resting orders cost.

Over HTTP with ccxt's real binance class (rate limiter off, so the figures are the simulator's):
place and cancel a resting limit, place and cancel an OCO, query by client order id, and a
price move matched against many resting stops. Figures are printed; nothing is asserted.
Run: .venv/bin/python benchmarks/exchange_sim_orders.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from fks_adapters.exchanges import make_exchange
from fks_exchange_sim import DEFAULT_API_KEY, DEFAULT_API_SECRET, ExchangeSimulator, SimulatorConfig


def _timed(action: Callable[[int], object], rounds: int) -> list[float]:
    laps = []
    for i in range(rounds):
        started = time.perf_counter()
        action(i)
        laps.append((time.perf_counter() - started) * 1000)
    return laps


def _report(name: str, laps: list[float]) -> None:
    ordered = sorted(laps)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"{name:<44} n={len(laps):<4} p50={statistics.median(laps):7.2f} ms  p95={p95:7.2f} ms")


def main(rounds: int) -> None:
    # Binance's order and weight limits would cap a tight loop: lift them to time the simulator itself.
    config = SimulatorConfig(order_limit_10s=1_000_000, weight_limit_1m=100_000_000)
    with ExchangeSimulator(port=0, config=config) as sim:
        ex = make_exchange("binance", base_url=sim.url, api_key=DEFAULT_API_KEY, secret=DEFAULT_API_SECRET)
        ex.enableRateLimit = False
        ex.load_markets()
        for symbol in ("BTCUSDT", "ETHUSDT", "SOLUSDT"):
            sim.price(symbol)  # waits for the start-up warm-up of the hour caches, not timed
        last = sim.price("BTCUSDT")

        def price(pct: str) -> str:
            return str((last * (1 + Decimal(pct) / 100)).quantize(Decimal("0.01")))

        def limit_round_trip(i: int) -> None:
            order = ex.create_order("BTC/USDT", "limit", "buy", 0.001, float(price("-5")), {"clientOrderId": f"b-{i}"})
            ex.cancel_order(order["id"], "BTC/USDT")

        def oco_round_trip(i: int) -> None:
            placed = ex.private_post_orderlist_oco(
                {
                    "symbol": "BTCUSDT",
                    "side": "SELL",
                    "quantity": "0.001",
                    "aboveType": "LIMIT_MAKER",
                    "abovePrice": price("4"),
                    "belowType": "STOP_LOSS_LIMIT",
                    "belowStopPrice": price("-2"),
                    "belowPrice": price("-2.5"),
                    "belowTimeInForce": "GTC",
                }
            )
            ex.private_delete_orderlist({"symbol": "BTCUSDT", "orderListId": placed["orderListId"]})

        def query_by_client_id(i: int) -> None:
            ex.fetch_order(None, "BTC/USDT", {"origClientOrderId": f"b-{i}"})

        _report("limit place + cancel (2 requests)", _timed(limit_round_trip, rounds))
        _report("OCO place + cancel list (2 requests)", _timed(oco_round_trip, rounds))
        _report("GET order by origClientOrderId", _timed(query_by_client_id, rounds))

        resting = 150
        for i in range(resting):
            stop = price(f"-{1 + i / 100}")
            ex.create_order("BTC/USDT", "STOP_LOSS", "sell", 0.001, None, {"stopPrice": float(stop)})
        started = time.perf_counter()
        sim.set_price("BTCUSDT", Decimal(price("-3")))
        moved_ms = (time.perf_counter() - started) * 1000
        filled = sum(1 for o in sim.venue_orders() if o["type"] == "STOP_LOSS" and o["status"] == "FILLED")
        print(f"price move matched against {resting} resting stops: {moved_ms:.1f} ms ({filled} filled)")
        _report("GET openOrders after the move", _timed(lambda i: ex.fetch_open_orders("BTC/USDT"), rounds))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
