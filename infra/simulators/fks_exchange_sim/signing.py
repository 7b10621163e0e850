"""Binance's request signing: HMAC-SHA256 of ``totalParams`` and the ``recvWindow`` rule.

``totalParams`` is the query string followed directly by the request body (no ``&`` between), both
without the ``signature`` parameter; ccxt signs the query for GET/DELETE and the form body for POST.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from fks_exchange_sim import errors

DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60000
# Binance accepts a timestamp up to one second ahead of its clock, whatever the recvWindow.
MAX_AHEAD_MS = 1000


def sign(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _split_signature(raw: str) -> tuple[str, str | None]:
    """``raw`` without its ``signature=`` component, and that component's value."""
    kept, signature = [], None
    for part in raw.split("&") if raw else []:
        if part.startswith("signature="):
            signature = part[len("signature=") :]
        else:
            kept.append(part)
    return "&".join(kept), signature


def total_params(query: str, body: str) -> tuple[str, str | None]:
    """The signed payload of a request, and the signature it carries (query first, then body)."""
    query_rest, query_signature = _split_signature(query)
    body_rest, body_signature = _split_signature(body)
    return query_rest + body_rest, query_signature or body_signature


@dataclass(frozen=True)
class SignedRequest:
    api_key: str | None
    query: str
    body: str
    params: Mapping[str, str]


def authenticate(request: SignedRequest, keys: Mapping[str, str], now_ms: int) -> None:
    """Raise the Binance error a signed endpoint answers to ``request``, or return if it is valid."""
    secret = _secret_for(request.api_key, keys)
    timestamp = _timestamp(request.params)
    recv_window = _recv_window(request.params)
    check_timestamp(timestamp, recv_window, now_ms)
    payload, signature = total_params(request.query, request.body)
    if not signature:
        raise errors.mandatory_missing("signature")
    if not hmac.compare_digest(signature.lower(), sign(payload, secret)):
        raise errors.invalid_signature()


def check_timestamp(timestamp_ms: int, recv_window_ms: Decimal, now_ms: int) -> None:
    if timestamp_ms >= now_ms + MAX_AHEAD_MS:
        raise errors.timestamp_ahead()
    if now_ms - timestamp_ms > recv_window_ms:
        raise errors.timestamp_outside_recv_window()


def _secret_for(api_key: str | None, keys: Mapping[str, str]) -> str:
    if not api_key:
        raise errors.api_key_format_invalid()
    secret = keys.get(api_key)
    if secret is None:
        raise errors.api_key_rejected()
    return secret


def _timestamp(params: Mapping[str, str]) -> int:
    raw = params.get("timestamp", "")
    if not raw.isdigit():
        raise errors.mandatory_missing("timestamp")
    return int(raw)


def _recv_window(params: Mapping[str, str]) -> Decimal:
    raw = params.get("recvWindow")
    if raw is None:
        return Decimal(DEFAULT_RECV_WINDOW_MS)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise errors.illegal_characters("recvWindow") from None
    if not value.is_finite() or value <= 0:
        raise errors.illegal_characters("recvWindow")
    if value > MAX_RECV_WINDOW_MS:
        raise errors.recv_window_too_large()
    return value
