"""Coinbase Advanced Trade's error answers.

A refused request is ``{"error": "NOT_FOUND", "error_details": "...", "message": "..."}`` with its
HTTP status; an order that fails validation is HTTP 200 with ``success: false``, a
``failure_reason`` and an ``error_response`` (ccxt maps ``preview_failure_reason`` exactly:
``PREVIEW_INSUFFICIENT_FUND`` to InsufficientFunds). An unauthenticated request is 401 with the
plain-text body ``Unauthorized``, as Coinbase's gateway answers it.
"""

from __future__ import annotations

from fks_exchange_sim.errors import BinanceError


class CoinbaseError(Exception):
    def __init__(self, http_status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.error = error
        self.message = message

    def body(self) -> dict[str, object]:
        return {"error": self.error, "error_details": self.message, "message": self.message}


class OrderFailure(Exception):
    """A create-order rejection: answered 200 with ``success: false``."""

    def __init__(self, error: str, message: str, preview_reason: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message
        self.preview_reason = preview_reason

    def error_response(self) -> dict[str, object]:
        return {
            "error": self.error,
            "message": self.message,
            "error_details": self.message,
            "preview_failure_reason": self.preview_reason,
        }


def invalid_argument(message: str) -> CoinbaseError:
    return CoinbaseError(400, "INVALID_ARGUMENT", message)


def not_found(message: str = "order with this orderID was not found") -> CoinbaseError:
    return CoinbaseError(404, "NOT_FOUND", message)


def rate_limited() -> CoinbaseError:
    return CoinbaseError(429, "rate_limit_exceeded", "Too many requests")


def insufficient_funds() -> OrderFailure:
    return OrderFailure("INSUFFICIENT_FUND", "Insufficient balance in source account", "PREVIEW_INSUFFICIENT_FUND")


# Binance's filter name -> the create-order failure Coinbase gives the same order.
_FILTERS = {
    "LOT_SIZE": ("INVALID_SIZE_PRECISION", "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL"),
    "MARKET_LOT_SIZE": ("INVALID_SIZE_PRECISION", "PREVIEW_INVALID_BASE_SIZE_TOO_LARGE"),
    "PRICE_FILTER": ("INVALID_PRICE_PRECISION", "PREVIEW_INVALID_LIMIT_PRICE"),
    "NOTIONAL": ("INVALID_LIMIT_PRICE", "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL"),
    "MAX_NUM_ORDERS": ("INVALID_ORDER_CONFIG", "PREVIEW_TOO_MANY_OPEN_ORDERS"),
}


def from_engine(error: BinanceError, stop_direction: str | None) -> OrderFailure | CoinbaseError:
    """The shared engine's rejection as Coinbase words it."""
    if error.code == -1013:
        name = error.msg.removeprefix("Filter failure: ")
        reason, preview = _FILTERS.get(name, ("INVALID_ORDER_CONFIG", "PREVIEW_INVALID_ORDER_CONFIG"))
        return OrderFailure(reason, f"order rejected by the {name} rule", preview)
    if error.code == -2010:
        if "insufficient balance" in error.msg:
            return insufficient_funds()
        if "trigger immediately" in error.msg:
            side = "BELOW" if stop_direction == "STOP_DIRECTION_STOP_UP" else "ABOVE"
            return OrderFailure("INVALID_STOP_PRICE", "stop price would trigger immediately",
                                f"PREVIEW_STOP_PRICE_{side}_LAST_TRADE_PRICE")  # fmt: skip
        if "match and take" in error.msg:
            return OrderFailure(
                "INVALID_LIMIT_PRICE_POST_ONLY", "post-only order would take", "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY"
            )
        if "Duplicate" in error.msg:
            return OrderFailure(
                "DUPLICATE_CLIENT_ORDER_ID", "client_order_id is in use", "UNKNOWN_PREVIEW_FAILURE_REASON"
            )
    if error.code in (-2011, -2013):
        return not_found()
    return CoinbaseError(500, "INTERNAL", "internal error")
