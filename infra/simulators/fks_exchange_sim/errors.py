"""Binance's error codes and messages, so ccxt maps the simulator's rejections as it maps Binance's.

ccxt matches the exact ``msg`` first and the ``code`` second (``binance.exceptions['exact']``),
and greps a 4xx body for ``LOT_SIZE`` and ``PRICE_FILTER``; the texts below are therefore copied
from Binance, not paraphrased.
"""

from __future__ import annotations

MANDATORY_PARAMETER_MSG = "Mandatory parameter '{}' was not sent, was empty/null, or malformed."
NUMBER_PATTERN = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
CLIENT_ID_PATTERN = r"^[\.A-Z\:/a-z0-9_-]{1,36}$"


class BinanceError(Exception):
    """An error the simulator answers as ``{"code": ..., "msg": ...}`` with ``http_status``."""

    def __init__(
        self,
        code: int,
        msg: str,
        http_status: int = 400,
        headers: dict[str, str] | None = None,
        data: dict[str, object] | None = None,
    ) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.http_status = http_status
        self.headers = headers or {}
        # cancelReplace's failures carry what happened to each half under ``data``.
        self.data = data

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "msg": self.msg}
        if self.data is not None:
            body["data"] = self.data
        return body


def unknown_error() -> BinanceError:
    return BinanceError(-1000, "An unknown error occurred while processing the request.", 500)


def too_many_requests(limit: int, retry_after_s: int) -> BinanceError:
    msg = (
        f"Too many requests; current limit of IP(127.0.0.1) is {limit} requests per minute. "
        "Please use the websocket for live updates to avoid polling the API."
    )
    return BinanceError(-1003, msg, 429, {"Retry-After": str(retry_after_s)})


def ip_banned(until_ms: int, retry_after_s: int) -> BinanceError:
    msg = (
        f"Way too many requests; IP(127.0.0.1) banned until {until_ms}. "
        "Please use the websocket for live updates to avoid bans."
    )
    return BinanceError(-1003, msg, 418, {"Retry-After": str(retry_after_s)})


def too_many_orders(limit: int, interval: str) -> BinanceError:
    return BinanceError(-1015, f"Too many new orders; current limit is {limit} orders per {interval}.", 429)


def timestamp_outside_recv_window() -> BinanceError:
    return BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.")


def timestamp_ahead() -> BinanceError:
    return BinanceError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")


def invalid_signature() -> BinanceError:
    return BinanceError(-1022, "Signature for this request is not valid.")


def lookup_interval_too_big() -> BinanceError:
    return BinanceError(-1127, "More than 24 hours between startTime and endTime.")


def start_after_end() -> BinanceError:
    return BinanceError(-1023, "Start time is greater than end time.")


def illegal_characters(name: str, pattern: str = NUMBER_PATTERN) -> BinanceError:
    return BinanceError(-1100, f"Illegal characters found in parameter '{name}'; legal range is '{pattern}'.")


def duplicate_parameter() -> BinanceError:
    return BinanceError(-1101, "Duplicate values for a parameter detected.")


def mandatory_missing(name: str) -> BinanceError:
    return BinanceError(-1102, MANDATORY_PARAMETER_MSG.format(name))


def order_id_missing() -> BinanceError:
    return BinanceError(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!")


def unread_parameters(read: int, sent: int) -> BinanceError:
    return BinanceError(-1104, f"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{sent}'.")


def not_required(name: str) -> BinanceError:
    return BinanceError(-1106, f"Parameter '{name}' sent when not required.")


def too_much_precision(name: str) -> BinanceError:
    return BinanceError(-1111, f"Parameter '{name}' has too much precision.")


def invalid_time_in_force() -> BinanceError:
    return BinanceError(-1115, "Invalid timeInForce.")


def invalid_order_type() -> BinanceError:
    return BinanceError(-1116, "Invalid orderType.")


def invalid_side() -> BinanceError:
    return BinanceError(-1117, "Invalid side.")


def invalid_interval() -> BinanceError:
    return BinanceError(-1120, "Invalid interval.")


def invalid_symbol() -> BinanceError:
    return BinanceError(-1121, "Invalid symbol.")


def invalid_combination() -> BinanceError:
    return BinanceError(-1128, "Combination of optional parameters invalid.")


def invalid_cancel_restrictions() -> BinanceError:
    return BinanceError(-1145, "Invalid cancelRestrictions")


def oco_order_type_rejected() -> BinanceError:
    return BinanceError(-1158, "Order type not supported in OCO.")


def oco_leg_misplaced(code: int) -> BinanceError:
    """The OCO leg errors: both legs plain limits, or the stop on the wrong side of the market."""
    return BinanceError(code, _OCO_LEG_MESSAGES[code])


_OCO_LEG_MESSAGES = {
    -1168: "At least one OCO order must be contingent.",
    -1196: "A stop loss order in a buy OCO must be above.",
    -1197: "A stop loss order in a sell OCO must be below.",
}


def invalid_value(name: str) -> BinanceError:
    return BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")


def recv_window_too_large() -> BinanceError:
    return BinanceError(-1131, "recvWindow must be less than 60000")


def filter_failure(filter_type: str) -> BinanceError:
    # ccxt turns a body mentioning LOT_SIZE or PRICE_FILTER into InvalidOrder before it looks at
    # the code; other filters (NOTIONAL, MAX_NUM_ORDERS) reach it as -1013, which it maps to
    # BadRequest, exactly as with Binance.
    return BinanceError(-1013, f"Filter failure: {filter_type}")


def order_rejected(msg: str) -> BinanceError:
    return BinanceError(-2010, msg)


def insufficient_balance() -> BinanceError:
    return order_rejected("Account has insufficient balance for requested action.")


def duplicate_order() -> BinanceError:
    return order_rejected("Duplicate order sent.")


def oco_prices_wrong() -> BinanceError:
    return order_rejected("The relationship of the prices for the orders is not correct.")


def unknown_order() -> BinanceError:
    return BinanceError(-2011, "Unknown order sent.")


def cancel_restricted() -> BinanceError:
    return BinanceError(-2011, "Order was not canceled due to cancel restrictions.")


def cancel_replace_failed(code: int, data: dict[str, object]) -> BinanceError:
    """-2021 (one half failed, HTTP 409) or -2022 (the request failed as a whole, HTTP 400)."""
    if code == -2021:
        return BinanceError(-2021, "Order cancel-replace partially failed.", 409, data=data)
    return BinanceError(-2022, "Order cancel-replace failed.", 400, data=data)


def order_does_not_exist() -> BinanceError:
    return BinanceError(-2013, "Order does not exist.")


def api_key_format_invalid() -> BinanceError:
    return BinanceError(-2014, "API-key format invalid.", 401)


def api_key_rejected() -> BinanceError:
    return BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)


# Statuses for errors injected by code alone (``ExchangeSimulator.inject_error(code=...)``).
HTTP_STATUS_BY_CODE = {-1000: 500, -1001: 503, -1003: 429, -1008: 503, -1015: 429, -2014: 401, -2015: 401}
MESSAGE_BY_CODE = {
    -1000: "An unknown error occurred while processing the request.",
    -1001: "Internal error; unable to process your request. Please try again.",
    -1003: "Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute.",
    -1007: "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
    -1008: "Server is currently overloaded with other requests. Please try again in a few minutes.",
    -1015: "Too many new orders.",
    -1021: "Timestamp for this request is outside of the recvWindow.",
    -1022: "Signature for this request is not valid.",
    -2010: "Account has insufficient balance for requested action.",
    -2011: "Unknown order sent.",
    -2013: "Order does not exist.",
    -2015: "Invalid API-key, IP, or permissions for action.",
}
