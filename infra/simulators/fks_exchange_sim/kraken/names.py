"""Kraken's names: asset ids (XXBT), pair keys and altnames (XBTUSDT), order and trade ids.

Kraken calls bitcoin XBT and keeps the legacy X/Z prefixes on its oldest assets; ccxt maps them
back (XXBT -> BTC) from ``Assets``. Order ids look like Kraken's (``OABCDE-FGHIJ-KLMNOP``): a
counter spelled in letters, so they read back without a table.
"""

from __future__ import annotations

import re
import string

from fks_exchange_sim.markets import SymbolSpec

_ALTNAME = {"BTC": "XBT"}
_ASSET_ID = {"BTC": "XXBT", "ETH": "XETH"}
_LETTERS = string.ascii_uppercase
_ID = re.compile(r"^([OT])([A-Z]{5})-([A-Z]{5})-([A-Z]{6})$")


def asset_id(code: str) -> str:
    return _ASSET_ID.get(code, code)


def asset_altname(code: str) -> str:
    return _ALTNAME.get(code, code)


def pair_key(spec: SymbolSpec) -> str:
    return asset_altname(spec.base) + asset_altname(spec.quote)


def wsname(spec: SymbolSpec) -> str:
    return f"{asset_altname(spec.base)}/{asset_altname(spec.quote)}"


def find_pair(specs: dict[str, SymbolSpec], name: str) -> SymbolSpec | None:
    """A pair by its key/altname (XBTUSDT) or its wsname (XBT/USDT), as Kraken accepts either."""
    return next((spec for spec in specs.values() if name in (pair_key(spec), wsname(spec))), None)


def _letters(number: int, width: int) -> str:
    out = []
    for _ in range(width):
        number, digit = divmod(number, 26)
        out.append(_LETTERS[digit])
    return "".join(reversed(out))


def _number(letters: str) -> int:
    value = 0
    for letter in letters:
        value = value * 26 + _LETTERS.index(letter)
    return value


def _format(prefix: str, number: int) -> str:
    # Kraken groups 6-5-6 characters, the first one the O or T; 16 base-26 letters hold any count.
    digits = _letters(number, 16)
    return f"{prefix}{digits[:5]}-{digits[5:10]}-{digits[10:]}"


def order_txid(order_id: int) -> str:
    return _format("O", order_id)


def trade_txid(trade_id: int) -> str:
    return _format("T", trade_id)


def parse_txid(txid: str, prefix: str = "O") -> int | None:
    match = _ID.match(txid)
    if match is None or match.group(1) != prefix:
        return None
    return _number(match.group(2) + match.group(3) + match.group(4))
