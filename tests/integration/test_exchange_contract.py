"""One contract, three venues: the real ccxt ``binance``, ``kraken`` and ``coinbase`` classes against their simulators.

Each venue is served by ``ExchangeSimulator(venue=...)`` on a free loopback port and reached through
``make_exchange`` exactly as the project builds clients; every assertion reads what ccxt parsed from
the venue's own wire format. ccxt's client-side throttle is off so the venue's limits are what a
burst meets. The simulators most tests share are given room (Kraken a large call counter, Coinbase
a large per-second allowance); the rate-limit test uses each venue's real limits, or a low one
where the real one needs a burst the machine cannot make in a second.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import ccxt
import pytest

from fks_adapters.exchanges import make_exchange
from fks_exchange_sim import (
    ExchangeSimulator,
    SimulatorConfig,
    sample_candles,
)
from fks_exchange_sim.coinbase import CoinbaseConfig
from fks_exchange_sim.coinbase.config import generate_key_pem
from fks_exchange_sim.kraken import KrakenConfig

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
VENUES = ("binance", "kraken", "coinbase")
SYMBOL = "BTC/USDT"
# An EC key the Coinbase simulator does not know: its JWTs carry a signature that cannot verify.
_FOREIGN_EC_KEY = generate_key_pem()


@dataclass(frozen=True)
class Venue:
    name: str
    taker: Decimal
    maker: Decimal
    # Where the fee is charged: "base" (what a buy receives, Binance) or "quote" (Kraken, Coinbase).
    fee_in: str
    # The error ccxt raises for a request signed with the wrong secret, and a text its message holds.
    bad_signature: type[Exception]
    bad_signature_text: str
    rate_limit_text: str


VENUE_FACTS = {
    "binance": Venue("binance", Decimal("0.001"), Decimal("0.001"), "base", ccxt.AuthenticationError, "-1022", "-1003"),
    "kraken": Venue(
        "kraken",
        Decimal("0.004"),
        Decimal("0.0025"),
        "quote",
        ccxt.ExchangeError,
        "EAPI:Invalid signature",
        "EAPI:Rate limit exceeded",
    ),
    "coinbase": Venue(
        "coinbase",
        Decimal("0.012"),
        Decimal("0.006"),
        "quote",
        ccxt.AuthenticationError,
        "401",
        "rate_limit_exceeded",
    ),
}


def _simulator(venue: str, *, realistic_limits: bool) -> ExchangeSimulator:
    if venue == "kraken":
        counter = KrakenConfig().counter_max if realistic_limits else Decimal(100_000)
        return ExchangeSimulator(port=0, venue="kraken", venue_config=KrakenConfig(counter_max=counter))
    if venue == "coinbase":
        # Coinbase allows 30 private requests a second; 3 keeps the burst short on a loaded machine.
        many = CoinbaseConfig(private_per_second=1000, public_per_second=1000)
        config = CoinbaseConfig(private_per_second=3) if realistic_limits else many
        return ExchangeSimulator(port=0, venue="coinbase", venue_config=config)
    return ExchangeSimulator(port=0, config=SimulatorConfig(weight_limit_1m=200 if realistic_limits else 6000))


def _client(sim: ExchangeSimulator, *, secret: str | None = None) -> Any:
    arguments = {**sim.ccxt_arguments(), **({"secret": secret} if secret else {})}
    exchange = make_exchange(sim.venue_name, base_url=sim.url, **arguments)
    exchange.enableRateLimit = False
    return exchange


@pytest.fixture(scope="module", params=VENUES)
def simulator(request: pytest.FixtureRequest) -> Iterator[ExchangeSimulator]:
    with _simulator(request.param, realistic_limits=False) as sim:
        yield sim


@pytest.fixture(scope="module")
def exchange(simulator: ExchangeSimulator) -> Any:
    client = _client(simulator)
    client.load_markets()
    return client


@pytest.fixture
def venue(simulator: ExchangeSimulator) -> Venue:
    return VENUE_FACTS[simulator.venue_name]


def _below_market(sim: ExchangeSimulator, fraction: str = "0.9") -> float:
    return float((sim.price("BTCUSDT") * Decimal(fraction)).quantize(Decimal("0.01")))


def _market_buy(exchange: Any, sim: ExchangeSimulator, amount: float) -> Any:
    # Coinbase buys at market by the quote amount: ccxt takes amount x price to spend.
    price = float(sim.price("BTCUSDT")) if sim.venue_name == "coinbase" else None
    return exchange.create_order(SYMBOL, "market", "buy", amount, price)


def _fee(notional: Decimal, rate: Decimal) -> Decimal:
    return (notional * rate).quantize(Decimal("1e-8"), rounding=ROUND_HALF_UP)


def test_load_markets_lists_the_simulated_pairs_with_their_precision(exchange: Any) -> None:
    # Act
    markets = exchange.load_markets(reload=True)

    # Assert
    assert {"BTC/USDT", "ETH/USDT", "SOL/USDT"} <= set(markets)
    btc = markets[SYMBOL]
    assert (btc["base"], btc["quote"], btc["spot"]) == ("BTC", "USDT", True)
    assert btc["precision"]["price"] == 0.01
    assert btc["precision"]["amount"] == 0.00001


@pytest.mark.parametrize(("timeframe", "width_ms", "back"), [("1m", MINUTE_MS, 30), ("1h", HOUR_MS, 10)])
def test_fetch_ohlcv_equals_the_deterministic_series(
    exchange: Any, simulator: ExchangeSimulator, timeframe: str, width_ms: int, back: int
) -> None:
    # Arrange: closed candles only, inside every venue's window (Kraken serves the newest 720)
    now_ms = exchange.milliseconds()
    since = (now_ms // width_ms - back) * width_ms
    expected = sample_candles("BTCUSDT", timeframe, since, since + 9 * width_ms, now_ms=now_ms)

    # Act
    candles = exchange.fetch_ohlcv(SYMBOL, timeframe, since=since, limit=10)

    # Assert
    assert candles == [[row[0], *(float(v) for v in row[1:6])] for row in expected]


def test_fetch_balance_reports_the_venue_account(exchange: Any, simulator: ExchangeSimulator) -> None:
    # Act
    balance = exchange.fetch_balance()

    # Assert
    for asset in ("BTC", "USDT", "ETH", "SOL"):
        free, locked = simulator.balance(asset)
        assert (balance[asset]["free"], balance[asset]["used"]) == (float(free), float(locked)), asset


def test_limit_order_below_market_rests_is_fetched_then_cancelled(
    exchange: Any, simulator: ExchangeSimulator, venue: Venue
) -> None:
    # Arrange
    price = _below_market(simulator)
    cost = Decimal(str(price)) * Decimal("0.01")
    # Held: the cost, and on the venues charging the quote currency the taker fee on top.
    hold = cost + _fee(cost, venue.taker) if venue.fee_in == "quote" else cost

    # Act
    placed = exchange.create_order(SYMBOL, "limit", "buy", 0.01, price)
    resting = exchange.fetch_order(placed["id"], SYMBOL)
    held = exchange.fetch_balance()["USDT"]["used"]
    open_ids = [o["id"] for o in exchange.fetch_open_orders(SYMBOL)]
    exchange.cancel_order(placed["id"], SYMBOL)
    cancelled = exchange.fetch_order(placed["id"], SYMBOL)

    # Assert
    assert (resting["status"], resting["side"], resting["type"]) == ("open", "buy", "limit")
    assert (resting["price"], resting["amount"], resting["filled"]) == (price, 0.01, 0)
    assert Decimal(str(held)) == hold
    assert placed["id"] in open_ids
    assert cancelled["status"] == "canceled"
    assert placed["id"] not in [o["id"] for o in exchange.fetch_open_orders(SYMBOL)]
    assert simulator.balance("USDT")[1] == 0


def test_fetch_open_orders_lists_each_resting_order(exchange: Any, simulator: ExchangeSimulator) -> None:
    # Arrange
    first = exchange.create_order(SYMBOL, "limit", "buy", 0.01, _below_market(simulator, "0.8"))
    second = exchange.create_order(SYMBOL, "limit", "buy", 0.02, _below_market(simulator, "0.7"))

    # Act
    listed = {o["id"]: o for o in exchange.fetch_open_orders(SYMBOL)}
    for order in (first, second):
        exchange.cancel_order(order["id"], SYMBOL)

    # Assert
    assert {first["id"], second["id"]} <= set(listed)
    assert (listed[first["id"]]["amount"], listed[second["id"]]["amount"]) == (0.01, 0.02)
    assert all(o["status"] == "open" for o in listed.values())


def test_market_buy_fills_at_once_and_charges_the_venue_fee(
    exchange: Any, simulator: ExchangeSimulator, venue: Venue
) -> None:
    # Arrange
    usdt_before, btc_before = simulator.balance("USDT")[0], simulator.balance("BTC")[0]

    # Act
    placed = _market_buy(exchange, simulator, 0.01)
    order = exchange.fetch_order(placed["id"], SYMBOL)
    trades = [t for t in exchange.fetch_my_trades(SYMBOL) if t["order"] == placed["id"]]

    # Assert
    assert order["status"] == "closed"
    assert len(trades) == 1
    trade = trades[0]
    price, qty = Decimal(str(trade["price"])), Decimal(str(trade["amount"]))
    notional = price * qty
    if venue.name == "coinbase":  # spends the quote size ccxt sent, fee included, in whole steps
        spend = Decimal(order["info"]["order_configuration"]["market_market_ioc"]["quote_size"])
        assert qty == (spend / (price * (1 + venue.taker))).quantize(Decimal("0.00001"), rounding=ROUND_FLOOR)
    else:
        assert qty == Decimal("0.01")
    assert (trade["side"], trade["takerOrMaker"]) == ("buy", "taker")
    usdt_after, btc_after = simulator.balance("USDT")[0], simulator.balance("BTC")[0]
    if venue.fee_in == "quote":
        fee = _fee(notional, venue.taker)
        assert (trade["fee"]["currency"], Decimal(str(trade["fee"]["cost"]))) == ("USDT", fee)
        assert (usdt_before - usdt_after, btc_after - btc_before) == (notional + fee, qty)
    else:
        fee = _fee(qty, venue.taker)
        assert (trade["fee"]["currency"], Decimal(str(trade["fee"]["cost"]))) == ("BTC", fee)
        assert (usdt_before - usdt_after, btc_after - btc_before) == (notional, qty - fee)


def test_resting_limit_fills_as_maker_when_the_price_reaches_it(
    exchange: Any, simulator: ExchangeSimulator, venue: Venue
) -> None:
    # Arrange
    price = _below_market(simulator, "0.95")
    placed = exchange.create_order(SYMBOL, "limit", "buy", 0.001, price)

    # Act
    simulator.set_price("BTCUSDT", Decimal(str(price)) - Decimal("1"))
    order = exchange.fetch_order(placed["id"], SYMBOL)
    trades = [t for t in exchange.fetch_my_trades(SYMBOL) if t["order"] == placed["id"]]

    # Assert
    assert (order["status"], order["filled"]) == ("closed", 0.001)
    assert [(t["price"], t["amount"], t["takerOrMaker"]) for t in trades] == [(price, 0.001, "maker")]
    notional = Decimal(str(price)) * Decimal("0.001")
    expected_fee = _fee(notional, venue.maker) if venue.fee_in == "quote" else _fee(Decimal("0.001"), venue.maker)
    assert Decimal(str(trades[0]["fee"]["cost"])) == expected_fee


def test_stop_loss_rests_untriggered_then_fills_when_the_price_falls_to_it(
    exchange: Any, simulator: ExchangeSimulator
) -> None:
    # Arrange: a sell stop-limit (each venue's stop-loss) 5 % below the price, its limit a little lower
    stop = _below_market(simulator, "0.95")
    limit = _below_market(simulator, "0.94")
    placed = exchange.create_order(SYMBOL, "limit", "sell", 0.001, limit, {"stopLossPrice": stop})
    waiting = exchange.fetch_order(placed["id"], SYMBOL)

    # Act
    simulator.set_price("BTCUSDT", Decimal(str(stop)) - Decimal("0.01"))
    done = exchange.fetch_order(placed["id"], SYMBOL)
    trades = [t for t in exchange.fetch_my_trades(SYMBOL) if t["order"] == placed["id"]]

    # Assert: it waited, then sold at its stop (its limit was marketable when it triggered)
    assert (waiting["status"], waiting["filled"], waiting["side"]) == ("open", 0, "sell")
    assert waiting["triggerPrice"] == stop or waiting["stopLossPrice"] == stop
    assert (done["status"], done["filled"]) == ("closed", 0.001)
    assert [(t["price"], t["amount"], t["side"]) for t in trades] == [(stop, 0.001, "sell")]


def test_order_beyond_the_balance_raises_insufficient_funds(exchange: Any, simulator: ExchangeSimulator) -> None:
    # Act / Assert: 100 BTC at 90 % of the price costs far more than the 100000 USDT held
    with pytest.raises(ccxt.InsufficientFunds):
        exchange.create_order(SYMBOL, "limit", "buy", 100, _below_market(simulator))
    assert simulator.balance("USDT")[1] == 0


def test_request_signed_with_the_wrong_secret_is_refused(simulator: ExchangeSimulator, venue: Venue) -> None:
    # Arrange
    wrong = {"binance": "not-the-secret", "kraken": "d3Jvbmctc2VjcmV0", "coinbase": _FOREIGN_EC_KEY}
    client = _client(simulator, secret=wrong[venue.name])

    # Act / Assert: Coinbase already refuses load_markets' fee-tier read, the others the balance
    with pytest.raises(venue.bad_signature, match=venue.bad_signature_text):
        client.fetch_balance()


def _burst(client: Any, calls: int = 60) -> None:
    # Bounded, so a limit window resetting between calls cannot loop forever; far more than any limit.
    for _ in range(calls):
        client.fetch_balance()


def test_burst_of_private_calls_meets_the_venue_rate_limit(venue: Venue) -> None:
    # Arrange
    with _simulator(venue.name, realistic_limits=True) as sim:
        client = _client(sim)
        client.load_markets()

        # Act / Assert
        with pytest.raises((ccxt.DDoSProtection, ccxt.RateLimitExceeded), match=venue.rate_limit_text):
            _burst(client)


@pytest.mark.parametrize("name", VENUES)
def test_fks_sim_prints_the_url_and_stops_on_sigterm(name: str) -> None:
    # Arrange
    process = subprocess.Popen(
        [sys.executable, "-m", "fks_cli.cli", "sim", "--venue", name, "--port", "0", "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()

        # Act
        markets = make_exchange(name, base_url=url).load_markets()
        process.send_signal(signal.SIGTERM)

        # Assert
        assert url.startswith("http://127.0.0.1:")
        assert SYMBOL in markets
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
