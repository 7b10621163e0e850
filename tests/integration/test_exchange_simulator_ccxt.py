"""The real ``ccxt.binance`` class against the local exchange simulator, through ``make_exchange``."""

from __future__ import annotations

import itertools
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import ccxt
import pytest

from fks_adapters.exchanges import make_exchange
from fks_exchange_sim import (
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    ExchangeSimulator,
    PortInUseError,
    sample_candles,
)

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS


@pytest.fixture(scope="module")
def simulator() -> Iterator[ExchangeSimulator]:
    with ExchangeSimulator(port=0) as sim:
        yield sim


def _client(sim: ExchangeSimulator, *, api_key: str = DEFAULT_API_KEY, secret: str = DEFAULT_API_SECRET) -> Any:
    exchange = make_exchange("binance", base_url=sim.url, api_key=api_key, secret=secret)
    exchange.load_markets()
    return exchange


@pytest.fixture(scope="module")
def exchange(simulator: ExchangeSimulator) -> Any:
    return _client(simulator)


def _as_ccxt(rows: list[list[Any]]) -> list[list[float]]:
    return [[row[0], *(float(v) for v in row[1:6])] for row in rows]


def _last_price(exchange: Any, symbol: str = "BTC/USDT") -> float:
    return float(exchange.fetch_ohlcv(symbol, "1m", limit=1)[-1][4])


def test_make_exchange_sends_every_rest_section_to_the_base_url(simulator: ExchangeSimulator) -> None:
    # Act
    exchange = make_exchange("binance", base_url=simulator.url)

    # Assert
    assert exchange.urls["api"]["public"] == f"{simulator.url}/api/v3"
    assert exchange.urls["api"]["private"] == f"{simulator.url}/api/v3"
    assert all(url.startswith(simulator.url) for url in exchange.urls["api"].values())
    assert exchange.urls["test"]["public"] == f"{simulator.url}/api/v3"  # sandbox mode stays local too
    assert exchange.enableRateLimit is True


def test_load_markets_takes_precision_and_limits_from_filters(exchange: Any) -> None:
    # Act
    market = exchange.market("BTC/USDT")

    # Assert
    assert set(exchange.markets) == {"BTC/USDT", "ETH/USDT", "SOL/USDT"}
    assert (market["spot"], market["active"], market["id"]) == (True, True, "BTCUSDT")
    assert market["precision"] == {"amount": 1e-05, "price": 0.01, "base": 1e-08, "quote": 1e-08}
    assert market["limits"]["amount"]["min"] == 1e-05
    assert market["limits"]["cost"]["min"] == 5.0


def test_fetch_time_returns_the_server_clock(exchange: Any) -> None:
    # Act
    before = exchange.milliseconds()
    server_time = exchange.fetch_time()

    # Assert
    assert before - 1000 <= server_time <= exchange.milliseconds() + 1000


def test_fetch_ohlcv_when_since_given_pages_forward(exchange: Any) -> None:
    # Arrange: 2500 one-minute candles ending two hours ago, fetched 1000 at a time.
    end = exchange.milliseconds() // MINUTE_MS * MINUTE_MS - 2 * HOUR_MS
    since, candles = end - 2499 * MINUTE_MS, []

    # Act
    while since <= end:
        page = exchange.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=1000, params={"until": end})
        candles += page
        since = page[-1][0] + MINUTE_MS

    # Assert
    assert len(candles) == 2500
    assert all(b[0] - a[0] == MINUTE_MS for a, b in itertools.pairwise(candles))
    assert candles == _as_ccxt(sample_candles("BTCUSDT", "1m", end - 2499 * MINUTE_MS, end))


def test_fetch_ohlcv_when_hourly_since_and_limit_given_returns_that_window(exchange: Any) -> None:
    # Arrange
    since = exchange.milliseconds() // HOUR_MS * HOUR_MS - 300 * HOUR_MS

    # Act
    candles = exchange.fetch_ohlcv("ETH/USDT", "1h", since=since, limit=24)

    # Assert
    assert [c[0] for c in candles] == [since + i * HOUR_MS for i in range(24)]
    assert candles == _as_ccxt(sample_candles("ETHUSDT", "1h", since, since + 23 * HOUR_MS))


def test_fetch_ohlcv_when_paginate_option_used_collects_more_than_1000(exchange: Any) -> None:
    # Arrange
    since = exchange.milliseconds() // MINUTE_MS * MINUTE_MS - 1500 * MINUTE_MS

    # Act
    candles = exchange.fetch_ohlcv("SOL/USDT", "1m", since=since, params={"paginate": True})

    # Assert
    assert candles[0][0] == since
    assert len(candles) >= 1500
    assert len({c[0] for c in candles}) == len(candles)


def test_fetch_ohlcv_when_no_since_ends_with_the_still_open_minute(exchange: Any) -> None:
    # Act
    before = exchange.milliseconds()
    candles = exchange.fetch_ohlcv("BTC/USDT", "1m", limit=3)
    after = exchange.milliseconds()

    # Assert
    assert len(candles) == 3
    assert before // MINUTE_MS * MINUTE_MS <= candles[-1][0] <= after


def test_fetch_ticker_reports_the_rolling_day_and_the_book(exchange: Any) -> None:
    # Act
    ticker = exchange.fetch_ticker("BTC/USDT")

    # Assert
    assert ticker["low"] <= ticker["last"] <= ticker["high"]
    assert ticker["bid"] == ticker["ask"] == ticker["last"]  # no spread configured
    assert ticker["baseVolume"] > 0


def test_fetch_balance_reports_free_used_and_total(exchange: Any) -> None:
    # Act
    balance = exchange.fetch_balance()

    # Assert
    assert set(balance["total"]) >= {"USDT", "BTC", "ETH", "SOL"}
    assert balance["USDT"]["total"] == balance["USDT"]["free"] + balance["USDT"]["used"]


def test_create_market_buy_fills_and_moves_balances(exchange: Any) -> None:
    # Arrange
    before = exchange.fetch_balance()

    # Act
    order = exchange.create_order("ETH/USDT", "market", "buy", 0.5)
    after = exchange.fetch_balance()

    # Assert
    assert (order["status"], order["filled"], order["remaining"]) == ("closed", 0.5, 0.0)
    assert order["fee"] == {"currency": "ETH", "cost": 0.0005}
    assert after["ETH"]["free"] == pytest.approx(before["ETH"]["free"] + 0.4995)
    assert after["USDT"]["free"] == pytest.approx(before["USDT"]["free"] - order["cost"])
    assert order["cost"] == pytest.approx(0.5 * order["average"])


def test_create_limit_sell_below_market_fills_at_market(exchange: Any) -> None:
    # Arrange
    price = exchange.price_to_precision("SOL/USDT", _last_price(exchange, "SOL/USDT") / 2)

    # Act
    order = exchange.create_order("SOL/USDT", "limit", "sell", 10, price)

    # Assert
    assert order["status"] == "closed"
    assert order["average"] > float(price)


def test_create_limit_sell_above_market_rests_until_cancelled(exchange: Any) -> None:
    # Arrange
    price = float(exchange.price_to_precision("BTC/USDT", _last_price(exchange) * 2))
    used_before = exchange.fetch_balance()["BTC"]["used"]

    # Act
    order = exchange.create_order("BTC/USDT", "limit", "sell", 0.01, price)
    open_ids = [o["id"] for o in exchange.fetch_open_orders("BTC/USDT")]
    fetched = exchange.fetch_order(order["id"], "BTC/USDT")
    used_while_open = exchange.fetch_balance()["BTC"]["used"]
    cancelled = exchange.cancel_order(order["id"], "BTC/USDT")

    # Assert
    assert order["status"] == "open"
    assert order["id"] in open_ids
    assert (fetched["status"], fetched["price"], fetched["amount"]) == ("open", price, 0.01)
    assert used_while_open == pytest.approx(used_before + 0.01)
    assert cancelled["status"] == "canceled"
    assert order["id"] not in [o["id"] for o in exchange.fetch_open_orders("BTC/USDT")]
    assert exchange.fetch_balance()["BTC"]["used"] == pytest.approx(used_before)


def test_create_order_when_client_order_id_of_open_order_reused_raises_invalid_order(exchange: Any) -> None:
    # Arrange
    price = float(exchange.price_to_precision("BTC/USDT", _last_price(exchange) / 2))
    first = exchange.create_order("BTC/USDT", "limit", "buy", 0.001, price, {"clientOrderId": "sig-dup-1"})

    # Act / Assert
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate order sent"):
        exchange.create_order("BTC/USDT", "limit", "buy", 0.001, price, {"clientOrderId": "sig-dup-1"})
    exchange.cancel_order(first["id"], "BTC/USDT")


def test_request_when_secret_wrong_raises_authentication_error(simulator: ExchangeSimulator) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        _client(simulator, secret="not-the-secret").fetch_balance()


def test_request_when_api_key_unknown_raises_authentication_error(simulator: ExchangeSimulator) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        _client(simulator, api_key="not-a-key").fetch_balance()


def test_request_when_timestamp_stale_raises_invalid_nonce(simulator: ExchangeSimulator) -> None:
    # Arrange: the client believes the server is two minutes ahead of it.
    exchange = _client(simulator)
    exchange.options["timeDifference"] = 2 * MINUTE_MS

    # Act / Assert
    with pytest.raises(ccxt.InvalidNonce, match="-1021"):
        exchange.fetch_balance()


def test_create_order_when_balance_too_small_raises_insufficient_funds(exchange: Any) -> None:
    with pytest.raises(ccxt.InsufficientFunds):
        exchange.create_order("BTC/USDT", "market", "buy", 99)


def test_klines_when_symbol_unknown_raises_bad_symbol(exchange: Any) -> None:
    with pytest.raises(ccxt.BadSymbol, match="-1121"):
        exchange.publicGetKlines({"symbol": "NOPEUSDT", "interval": "1m"})


def test_create_order_when_quantity_off_lot_step_raises_invalid_order(exchange: Any) -> None:
    # Arrange: ccxt would round the amount itself, so send the raw request it signs.
    request = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.000155"}

    # Act / Assert
    with pytest.raises(ccxt.InvalidOrder, match="LOT_SIZE"):
        exchange.privatePostOrder(request)


def test_create_order_when_under_min_notional_raises_bad_request_as_ccxt_maps_1013(exchange: Any) -> None:
    # ccxt maps -1013 to BadRequest unless the body names LOT_SIZE or PRICE_FILTER, as with Binance.
    with pytest.raises(ccxt.BadRequest, match="Filter failure: NOTIONAL"):
        exchange.create_order("BTC/USDT", "market", "buy", 0.00001)


def test_cancel_order_when_order_unknown_raises_order_not_found(exchange: Any) -> None:
    with pytest.raises(ccxt.OrderNotFound, match="-2011"):
        exchange.cancel_order("987654321", "BTC/USDT")


def test_fetch_order_when_order_unknown_raises_order_not_found(exchange: Any) -> None:
    with pytest.raises(ccxt.OrderNotFound, match="-2013"):
        exchange.fetch_order("987654321", "BTC/USDT")


def test_request_when_error_injected_raises_then_recovers(simulator: ExchangeSimulator, exchange: Any) -> None:
    # Arrange
    simulator.inject_error("/api/v3/time", http_status=503)
    simulator.inject_error("/api/v3/time", code=-1003)

    # Act / Assert
    with pytest.raises(ccxt.ExchangeNotAvailable):
        exchange.fetch_time()
    with pytest.raises(ccxt.DDoSProtection):
        exchange.fetch_time()
    assert exchange.fetch_time() > 0


def test_simulator_when_port_taken_raises_naming_the_port() -> None:
    # Arrange
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        # Act / Assert
        with pytest.raises(PortInUseError, match=str(port)):
            ExchangeSimulator(port=port).start()


def test_module_entry_point_prints_url_and_stops_on_sigterm() -> None:
    # Arrange
    process = subprocess.Popen(
        [sys.executable, "-m", "fks_exchange_sim", "--port", "0", "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()

        # Act
        server_time = make_exchange("binance", base_url=url).fetch_time()
        process.send_signal(signal.SIGTERM)

        # Assert
        assert url.startswith("http://127.0.0.1:")
        assert server_time > 0
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
