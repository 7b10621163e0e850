"""Kraken's error answers: HTTP 200 with ``{"error": ["EOrder:Insufficient funds"], "result": {}}``.

The texts are Kraken's (ccxt maps them exactly: ``EOrder:Insufficient funds`` to InsufficientFunds,
``EAPI:Invalid nonce`` to InvalidNonce, ``EAPI:Rate limit exceeded`` to DDoSProtection). The shared
engine raises Binance's codes; ``from_engine`` translates them.
"""

from __future__ import annotations

from fks_exchange_sim.errors import BinanceError


class KrakenError(Exception):
    def __init__(self, message: str, http_status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status

    def body(self) -> dict[str, object]:
        return {"error": [self.message], "result": {}}


INVALID_KEY = "EAPI:Invalid key"
INVALID_SIGNATURE = "EAPI:Invalid signature"
INVALID_NONCE = "EAPI:Invalid nonce"
RATE_LIMIT = "EAPI:Rate limit exceeded"
TRADING_RATE_LIMIT = "EOrder:Rate limit exceeded"
INSUFFICIENT_FUNDS = "EOrder:Insufficient funds"
UNKNOWN_ORDER = "EOrder:Unknown order"
INVALID_ORDER = "EOrder:Invalid order"
UNKNOWN_PAIR = "EQuery:Unknown asset pair"
UNKNOWN_METHOD = "EGeneral:Unknown method"


def invalid_arguments(name: str | None = None) -> KrakenError:
    return KrakenError("EGeneral:Invalid arguments" + (f":{name}" if name else ""))


# Binance's filter name -> Kraken's rejection of the same order.
_FILTERS = {
    "LOT_SIZE": "EGeneral:Invalid arguments:volume",
    "MARKET_LOT_SIZE": "EGeneral:Invalid arguments:volume",
    "PRICE_FILTER": "EGeneral:Invalid arguments:price",
    "NOTIONAL": "EOrder:Cost minimum not met",
    "MAX_NUM_ORDERS": "EOrder:Orders limit exceeded",
}


def from_engine(error: BinanceError) -> KrakenError:
    """The shared engine's rejection as Kraken words it."""
    if error.code == -1013:
        return KrakenError(_FILTERS.get(error.msg.removeprefix("Filter failure: "), "EGeneral:Invalid arguments"))
    if error.code == -2010:
        if "insufficient balance" in error.msg:
            return KrakenError(INSUFFICIENT_FUNDS)
        if "trigger immediately" in error.msg:
            return KrakenError("EGeneral:Invalid arguments:price")
        if "match and take" in error.msg:
            return KrakenError("EOrder:Post only order")
        if "Duplicate" in error.msg:
            return invalid_arguments("cl_ord_id")
    if error.code in (-2011, -2013):
        return KrakenError(UNKNOWN_ORDER)
    return KrakenError("EGeneral:Internal error", 500)
