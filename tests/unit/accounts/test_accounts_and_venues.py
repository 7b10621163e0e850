"""Trading accounts as the API takes them, the venue an order command carries, and where each
venue's calls go (production, testnet, the deployment's override)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from fks import env
from fks.accounts import AccountSettings
from fks.errors import BadRequest
from fks.execution import CancelOrderCommand, OrderCommand, SyncCommand
from fks.market_data.symbols import from_engine_symbol
from fks_adapters.exchanges.venues import VENUE_IDS, base_url_for, venue


def _order(**overrides: object) -> OrderCommand:
    fields: dict[str, object] = {
        "client_order_id": "sig-1",
        "account": "kraken-main",
        "symbol": "BTCUSDT",
        "side": "buy",
        "type": "market",
        "quantity": Decimal("0.01"),
    }
    return OrderCommand.model_validate({**fields, **overrides})


def test_an_order_for_a_venue_names_it_and_one_without_says_nothing() -> None:
    # Act
    routed = json.loads(_order(venue="kraken").model_dump_json())
    default = _order().model_dump(mode="json")

    # Assert: an engine that predates venues reads a command without one
    assert routed["venue"] == "kraken"
    assert "venue" not in default


@pytest.mark.parametrize("command", [CancelOrderCommand, SyncCommand])
def test_cancel_and_sync_carry_the_venue_only_when_given(command: type) -> None:
    # Arrange
    fields = {"account": "coinbase-main"} | ({"client_order_id": "sig-2"} if command is CancelOrderCommand else {})

    # Act
    with_venue = json.loads(command(**fields, venue="coinbase").model_dump_json(exclude_none=True))
    without = json.loads(command(**fields).model_dump_json(exclude_none=True))

    # Assert
    assert with_venue["venue"] == "coinbase"
    assert "venue" not in without


def test_an_unknown_venue_is_refused() -> None:
    with pytest.raises(ValidationError, match="venue"):
        _order(venue="ftx")


def test_a_paper_account_needs_no_key_and_a_live_one_does() -> None:
    # Act
    paper = AccountSettings(venue="coinbase", mode="paper")

    # Assert
    assert paper.secret_id is None
    for mode in ("testnet", "live"):
        with pytest.raises(ValidationError, match="needs secret_id"):
            AccountSettings(venue="kraken", mode=mode)


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://testnet.binance.vision/", "https://testnet.binance.vision"),
        ("http://127.0.0.1:9001", "http://127.0.0.1:9001"),
        ("http://example.com", None),
        ("https://example.com/?key=1", None),
        ("file:///etc/passwd", None),
    ],
)
def test_a_base_url_must_be_https_or_this_machine(url: str, accepted: str | None) -> None:
    # Act / Assert: a key is sent there
    if accepted is None:
        with pytest.raises(ValidationError, match="https"):
            AccountSettings(venue="binance", mode="testnet", secret_id="s", base_url=url)
    else:
        assert AccountSettings(venue="binance", mode="testnet", secret_id="s", base_url=url).base_url == accepted


def test_risk_limits_are_the_engines_and_refuse_what_it_refuses() -> None:
    # Act
    limits = AccountSettings.model_validate(
        {"venue": "binance", "mode": "paper", "risk_limits": {"max_order_notional": "1000"}}
    ).risk_limits

    # Assert
    assert limits is not None
    assert limits.max_order_notional == Decimal(1000)
    with pytest.raises(ValidationError, match="max_open_order"):
        AccountSettings.model_validate({"venue": "binance", "mode": "paper", "risk_limits": {"max_open_order": 3}})


def test_every_venue_of_the_command_has_an_adapter() -> None:
    assert VENUE_IDS == ("binance", "kraken", "coinbase")
    assert {venue(v).id for v in VENUE_IDS} == set(VENUE_IDS)
    with pytest.raises(BadRequest, match="supported: binance, kraken, coinbase"):
        venue("ftx")


def test_calls_go_to_the_override_then_the_deployment_then_the_testnet(monkeypatch: pytest.MonkeyPatch) -> None:
    # Arrange
    monkeypatch.delenv(env.EXCHANGE_BASE_URL, raising=False)
    monkeypatch.setenv(env.KRAKEN_BASE_URL, "http://127.0.0.1:9002")
    monkeypatch.delenv(env.COINBASE_BASE_URL, raising=False)

    # Act / Assert
    assert base_url_for("binance", "testnet", "https://mine.example") == "https://mine.example"
    assert base_url_for("kraken", "live") == "http://127.0.0.1:9002"
    assert base_url_for("binance", "testnet") == "https://testnet.binance.vision"
    assert base_url_for("coinbase", "testnet") == "https://api-sandbox.coinbase.com"
    assert base_url_for("binance", "live") is None  # ccxt's production URL
    assert base_url_for("coinbase", "paper") is None


def test_a_testnet_account_never_reaches_production_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # Arrange: Kraken has no spot sandbox
    monkeypatch.delenv(env.KRAKEN_BASE_URL, raising=False)

    # Act / Assert
    with pytest.raises(BadRequest, match="kraken has no spot testnet"):
        base_url_for("kraken", "testnet")


@pytest.mark.parametrize(
    ("raw", "exchange", "unified"),
    [("BTCUSDT", "binance", "BTC/USDT"), ("BTCUSDT", "kraken", "BTC/USDT"), ("ETHUSDC", "coinbase", "ETH/USDC")],
)
def test_the_engines_symbols_read_the_same_for_every_venue(raw: str, exchange: str, unified: str) -> None:
    # The engine spells every venue's pairs as its commands do (BTCUSDT), never XBTUSDT or BTC-USDT
    assert from_engine_symbol(raw, exchange) == unified
