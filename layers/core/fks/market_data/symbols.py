"""Unified symbols (``BTC/USDT``) and the spellings exchanges use in their own payloads.

The platform stores and exchanges unified symbols only, as ccxt spells them: ``BASE/QUOTE``
for spot and ``BASE/QUOTE:SETTLE`` for derivatives, upper case. ccxt converts symbols itself
when it places calls; these conversions are for raw exchange payloads (WebSocket streams, bulk
files) that carry the exchange's own spelling. Splitting a concatenated name like ``BTCUSDT`` is
a heuristic (the longest quote asset known for that exchange that ends the name wins); the
exchange's market list, when the caller has it, is the authority: pass its quote assets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from fks.errors import BadRequest

_ASSET = r"[A-Z0-9]{1,20}"
_UNIFIED = re.compile(rf"^(?P<base>{_ASSET})/(?P<quote>{_ASSET})(?::(?P<settle>{_ASSET}))?$")
_CONCATENATED = re.compile(r"^[A-Z0-9]{2,40}$")


class SymbolStyle(StrEnum):
    """How an exchange family writes a spot symbol in its own payloads."""

    CONCATENATED = "concatenated"  # binance: BTCUSDT
    SLASH_KRAKEN = "slash_kraken"  # kraken: XBT/USD (and the altname XBTUSD on the way in)
    DASH = "dash"  # coinbase: BTC-USD


EXCHANGE_STYLES: dict[str, SymbolStyle] = {
    "binance": SymbolStyle.CONCATENATED,
    "binanceus": SymbolStyle.CONCATENATED,
    "kraken": SymbolStyle.SLASH_KRAKEN,
    "coinbase": SymbolStyle.DASH,
    "coinbaseexchange": SymbolStyle.DASH,
}

# The quote assets each family lists, for splitting concatenated names. Per family, because one
# list for all misreads names: with TUSD (a binance quote) known, kraken's XBTUSD would split as
# XB/TUSD. Longer matches are tried first, so BTCUSDT splits as BTC/USDT and not BTCUSD/T.
QUOTE_ASSETS: dict[SymbolStyle, tuple[str, ...]] = {
    SymbolStyle.CONCATENATED: (
        *("USDT", "USDC", "FDUSD", "TUSD", "BUSD", "DAI", "USD", "EUR", "GBP", "TRY", "BRL", "JPY"),
        *("BTC", "ETH", "BNB"),
    ),
    SymbolStyle.SLASH_KRAKEN: ("USD", "EUR", "GBP", "CAD", "JPY", "CHF", "AUD", "USDT", "USDC", "XBT", "ETH"),
    SymbolStyle.DASH: (),
}

# Kraken's own codes for assets that everyone else spells differently.
_KRAKEN_FROM_UNIFIED = {"BTC": "XBT", "DOGE": "XDG"}
_KRAKEN_TO_UNIFIED = {code: unified for unified, code in _KRAKEN_FROM_UNIFIED.items()}


@dataclass(frozen=True, slots=True)
class Symbol:
    base: str
    quote: str
    settle: str | None = None

    def __str__(self) -> str:
        spot = f"{self.base}/{self.quote}"
        return f"{spot}:{self.settle}" if self.settle else spot


def parse_symbol(value: str) -> Symbol:
    """Parse a unified symbol, tolerating surrounding blanks and lower case."""
    if not isinstance(value, str):
        raise BadRequest(f"symbol must be a string, got {type(value).__name__}")
    match = _UNIFIED.match(value.strip().upper())
    if match is None:
        raise BadRequest(
            f"invalid symbol {value!r}: expected BASE/QUOTE or BASE/QUOTE:SETTLE, "
            "each 1-20 letters or digits, e.g. 'BTC/USDT'",
            details={"symbol": value},
        )
    symbol = Symbol(match["base"], match["quote"], match["settle"])
    if symbol.base == symbol.quote:
        raise BadRequest(f"invalid symbol {value!r}: base and quote are the same asset")
    return symbol


def validate_symbol(value: str) -> str:
    """Return the canonical unified spelling of ``value`` or raise ``BadRequest``."""
    return str(parse_symbol(value))


def symbol_style(exchange: str) -> SymbolStyle:
    style = EXCHANGE_STYLES.get(exchange.strip().lower())
    if style is None:
        known = ", ".join(sorted(EXCHANGE_STYLES))
        raise BadRequest(
            f"no symbol convention known for exchange {exchange!r}; known: {known}",
            details={"exchange": exchange},
        )
    return style


def to_exchange_symbol(symbol: str, exchange: str) -> str:
    """Spell a unified spot symbol the way ``exchange`` writes it in its payloads."""
    parsed = parse_symbol(symbol)
    style = symbol_style(exchange)
    if parsed.settle is not None:
        raise BadRequest(f"{symbol!r} is a derivative; only spot symbols have an exchange spelling here")
    if style is SymbolStyle.CONCATENATED:
        return f"{parsed.base}{parsed.quote}"
    if style is SymbolStyle.DASH:
        return f"{parsed.base}-{parsed.quote}"
    base = _KRAKEN_FROM_UNIFIED.get(parsed.base, parsed.base)
    quote = _KRAKEN_FROM_UNIFIED.get(parsed.quote, parsed.quote)
    return f"{base}/{quote}"


def from_exchange_symbol(raw: str, exchange: str, *, quote_assets: tuple[str, ...] | None = None) -> str:
    """Unified spelling of an exchange's own spot symbol, e.g. ``BTCUSDT`` on binance -> ``BTC/USDT``."""
    style = symbol_style(exchange)
    text = raw.strip().upper() if isinstance(raw, str) else ""
    if style is SymbolStyle.DASH:
        base, sep, quote = text.partition("-")
        if not sep:
            raise _bad_exchange_symbol(raw, exchange, "expected BASE-QUOTE, e.g. 'BTC-USD'")
    elif style is SymbolStyle.SLASH_KRAKEN and "/" in text:
        base, _, quote = text.partition("/")
    else:
        quotes = QUOTE_ASSETS[style] if quote_assets is None else quote_assets
        base, quote = _split_concatenated(raw, exchange, text, quotes)
    if style is SymbolStyle.SLASH_KRAKEN:
        base = _KRAKEN_TO_UNIFIED.get(base, base)
        quote = _KRAKEN_TO_UNIFIED.get(quote, quote)
    try:
        return validate_symbol(f"{base}/{quote}")
    except BadRequest:
        raise _bad_exchange_symbol(raw, exchange, "base or quote is not 1-20 letters or digits") from None


def _split_concatenated(raw: str, exchange: str, text: str, quote_assets: tuple[str, ...]) -> tuple[str, str]:
    if _CONCATENATED.match(text) is None:
        raise _bad_exchange_symbol(raw, exchange, "expected letters and digits only, e.g. 'BTCUSDT'")
    for quote in sorted(quote_assets, key=len, reverse=True):
        if text.endswith(quote) and len(text) > len(quote):
            return text[: -len(quote)], quote
    raise _bad_exchange_symbol(raw, exchange, "it does not end with a known quote asset")


def _bad_exchange_symbol(raw: object, exchange: str, why: str) -> BadRequest:
    return BadRequest(
        f"cannot read {raw!r} as a {exchange} symbol: {why}",
        details={"symbol": str(raw), "exchange": exchange},
    )


# Whose style the execution engine's symbols use, for every venue: its commands spell a pair
# concatenated (BTCUSDT, fks.pipeline.orders.exchange_symbol), never as Kraken (XBTUSDT) or
# Coinbase (BTC-USDT) do; each venue client maps it to the venue's own id.
ENGINE_SPELLING = "binance"


def from_engine_symbol(raw: str, exchange: str) -> str:
    """Unified spelling of a symbol the engine names (``BTCUSDT``) for an account on ``exchange``:
    read with that venue's quote assets when it spells pairs the same way, else as Binance's."""
    if "/" in raw:
        return validate_symbol(raw)
    concatenated = symbol_style(exchange) is SymbolStyle.CONCATENATED
    return from_exchange_symbol(raw, exchange if concatenated else ENGINE_SPELLING)
