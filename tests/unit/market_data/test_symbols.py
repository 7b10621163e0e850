import pytest

from fks.errors import BadRequest
from fks.market_data import Symbol, from_exchange_symbol, parse_symbol, to_exchange_symbol, validate_symbol


def test_validate_symbol_when_lower_case_with_blanks_returns_canonical_upper_case():
    assert validate_symbol(" btc/usdt ") == "BTC/USDT"


def test_parse_symbol_when_derivative_keeps_the_settle_asset():
    assert parse_symbol("BTC/USDT:USDT") == Symbol("BTC", "USDT", "USDT")


@pytest.mark.parametrize("bad", ["BTCUSDT", "BTC-USDT", "BTC/", "/USDT", "BTC/USDT/ETH", "BTC/US DT", "", "BTC/BTC"])
def test_validate_symbol_when_malformed_raises_bad_request_naming_it(bad):
    with pytest.raises(BadRequest) as caught:
        validate_symbol(bad)

    assert repr(bad) in caught.value.message


@pytest.mark.parametrize(
    ("exchange", "unified", "native"),
    [
        ("binance", "BTC/USDT", "BTCUSDT"),
        ("binance", "ETH/BTC", "ETHBTC"),
        ("kraken", "BTC/USD", "XBT/USD"),
        ("kraken", "DOGE/EUR", "XDG/EUR"),
        ("kraken", "ETH/BTC", "ETH/XBT"),
        ("coinbase", "BTC/USD", "BTC-USD"),
    ],
)
def test_exchange_symbol_round_trips_both_ways(exchange, unified, native):
    assert to_exchange_symbol(unified, exchange) == native
    assert from_exchange_symbol(native, exchange) == unified


def test_from_exchange_symbol_when_binance_name_ends_in_usdt_splits_at_the_longest_quote():
    assert from_exchange_symbol("BTCUSDC", "binance") == "BTC/USDC"
    assert from_exchange_symbol("1000SHIBUSDT", "binance") == "1000SHIB/USDT"


def test_from_exchange_symbol_when_kraken_altname_without_slash_is_read():
    assert from_exchange_symbol("XBTUSD", "kraken") == "BTC/USD"


def test_from_exchange_symbol_when_no_known_quote_raises_bad_request():
    with pytest.raises(BadRequest, match="known quote asset"):
        from_exchange_symbol("BTCXYZ", "binance")


def test_from_exchange_symbol_when_custom_quote_assets_given_uses_them():
    assert from_exchange_symbol("BTCXYZ", "binance", quote_assets=("XYZ",)) == "BTC/XYZ"


def test_from_exchange_symbol_when_coinbase_lacks_dash_raises_bad_request():
    with pytest.raises(BadRequest, match="BASE-QUOTE"):
        from_exchange_symbol("BTCUSD", "coinbase")


def test_to_exchange_symbol_when_exchange_unknown_raises_bad_request_listing_known_ones():
    with pytest.raises(BadRequest, match=r"'ftx'.*binance"):
        to_exchange_symbol("BTC/USDT", "ftx")


def test_to_exchange_symbol_when_derivative_raises_bad_request():
    with pytest.raises(BadRequest, match="derivative"):
        to_exchange_symbol("BTC/USDT:USDT", "binance")
