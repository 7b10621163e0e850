"""The venue contract against the real testnets (pytest -m live; never in CI): Binance spot's
testnet and Coinbase Advanced Trade's sandbox, through the same clients the functions build for a
``testnet`` account (``keyed_client``: the venue's testnet URL, the account's key) and the same
candle source collection uses. Kraken has no spot testnet, so it has no case here.

Each venue runs only when its keys are in the environment, and is skipped otherwise:

    FKS_LIVE_BINANCE_TESTNET_KEY, FKS_LIVE_BINANCE_TESTNET_SECRET   (testnet.binance.vision)
    FKS_LIVE_COINBASE_SANDBOX_KEY, FKS_LIVE_COINBASE_SANDBOX_SECRET (the CDP key name and its EC PEM)

The only order placed is a limit buy far below the market, cancelled at once. The Rust clients'
contract (``fks_venue_testkit``) runs under the same marker and keys, through cargo: the same
suite their simulator tests run, pointed at the testnet.
"""

from __future__ import annotations

import os
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fks.market_data.timeframes import Timeframe
from fks_adapters.exchanges.clients import keyed_client
from fks_adapters.market_data.ccxt_source import CcxtCandleSource

pytestmark = pytest.mark.live
SYMBOL = "BTC/USDT"
RUST_WORKSPACE = Path(__file__).resolve().parents[2] / "rust_lambda" / "Cargo.toml"
RUST_TESTNET_CASES = {
    "binance": ("fks_binance", "the_binance_client_keeps_the_venue_contract_on_the_spot_testnet"),
    "coinbase": ("fks_coinbase", "the_coinbase_client_keeps_the_venue_contract_on_the_sandbox"),
}
KEYS = {
    "binance": ("FKS_LIVE_BINANCE_TESTNET_KEY", "FKS_LIVE_BINANCE_TESTNET_SECRET"),
    "coinbase": ("FKS_LIVE_COINBASE_SANDBOX_KEY", "FKS_LIVE_COINBASE_SANDBOX_SECRET"),
}


@pytest.fixture(params=sorted(KEYS))
def testnet(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    key_name, secret_name = KEYS[request.param]
    key, secret = os.environ.get(key_name), os.environ.get(secret_name)
    if not key or not secret:
        pytest.skip(f"set {key_name} and {secret_name} to run the contract against {request.param}'s testnet")
    # The deployment's own URL override would win over the testnet: a live run has none.
    for variable in ("FKS_EXCHANGE_BASE_URL", "FKS_KRAKEN_BASE_URL", "FKS_COINBASE_BASE_URL", "FKS_RATE_BUDGET_TABLE"):
        monkeypatch.delenv(variable, raising=False)
    exchange = keyed_client(request.param, "live-test", "testnet", {"api_key": key, "api_secret": secret})
    exchange.load_markets()
    return exchange


def test_the_testnet_lists_the_pair_and_serves_closed_candles(testnet: Any) -> None:
    # Arrange
    source = CcxtCandleSource(testnet)
    now = int(time.time() * 1000) // 60_000 * 60_000

    # Act
    venue_symbol = source.require_market(SYMBOL)
    rows = source.fetch_closed(SYMBOL, Timeframe.M1, now - 30 * 60_000, now)

    # Assert
    assert venue_symbol in ("BTCUSDT", "BTC-USDT")
    assert rows, "no candles in the last 30 minutes"
    assert all(now - 30 * 60_000 <= row[0] < now for row in rows)
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)


def test_the_testnet_key_reads_the_balance(testnet: Any) -> None:
    # Act
    balance = testnet.fetch_balance()

    # Assert
    assert "USDT" in balance["total"] or "USD" in balance["total"]


def test_a_limit_far_below_the_market_rests_and_is_cancelled(testnet: Any) -> None:
    # Arrange
    last = Decimal(str(testnet.fetch_ticker(SYMBOL)["last"]))
    price = float(testnet.price_to_precision(SYMBOL, last * Decimal("0.5")))
    amount = float(testnet.amount_to_precision(SYMBOL, Decimal(20) / Decimal(str(price))))

    # Act
    placed = testnet.create_order(SYMBOL, "limit", "buy", amount, price)
    try:
        resting = testnet.fetch_order(placed["id"], SYMBOL)
    finally:
        testnet.cancel_order(placed["id"], SYMBOL)
    cancelled = testnet.fetch_order(placed["id"], SYMBOL)

    # Assert
    assert resting["status"] == "open"
    assert cancelled["status"] == "canceled"


@pytest.mark.parametrize("venue", sorted(RUST_TESTNET_CASES))
def test_the_rust_client_keeps_the_venue_contract_on_the_testnet(venue: str) -> None:
    # Arrange
    key_name, secret_name = KEYS[venue]
    if not os.environ.get(key_name) or not os.environ.get(secret_name):
        pytest.skip(f"set {key_name} and {secret_name} to run the Rust contract against {venue}'s testnet")
    crate, case = RUST_TESTNET_CASES[venue]
    command = ["cargo", "test", "--manifest-path", str(RUST_WORKSPACE), "-p", crate, "--test", "contract"]

    # Act
    ran = subprocess.run([*command, case, "--", "--exact", "--nocapture"], capture_output=True, text=True, timeout=900)

    # Assert
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output[-4000:]
    assert "1 passed" in output, output[-4000:]
    assert "SKIPPED" not in output, "the keys did not reach the Rust suite"
