from __future__ import annotations

from decimal import Decimal

import pytest

from fks.signals import InvalidSignal, Side, parse_signal
from tests.stubs import SignalStubs


def test_valid_signal_parses_money_as_decimal() -> None:
    signal = parse_signal(SignalStubs.market_buy(quantity="0.10000000", limit_price="65000.01"))

    assert signal.quantity == Decimal("0.10000000")
    assert signal.limit_price == Decimal("65000.01")
    assert signal.side is Side.BUY


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"side": "hold"}, "side"),
        ({"symbol": "btcusdt"}, "symbol"),
        ({"signal_id": "has spaces"}, "signal_id"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_invalid_signal_names_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidSignal) as caught:
        parse_signal(SignalStubs.market_buy(**overrides))

    assert caught.value.message.startswith("invalid signal:")
    assert field in caught.value.message
    assert caught.value.status_code == 400


def test_futures_contract_symbol_is_accepted() -> None:
    assert parse_signal(SignalStubs.market_buy(symbol="ES 12-25", asset_class="futures")).symbol == "ES 12-25"
