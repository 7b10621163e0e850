"""The order a signal becomes: the execution engine's command, keyed so a retry never doubles it."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from fks.errors import BadRequest
from fks.execution import OrderCommand, Venue
from fks.signals import Signal

_MAX_CLIENT_ORDER_ID = 36  # Binance's newClientOrderId limit
# The pipeline's orders (and their exits, whose ids extend the entry's) carry this prefix.
PIPELINE_ORDER_PREFIX = "sig-"


def client_order_id_for(signal_id: str) -> str:
    """Derived from the signal id alone, so every retry of every state sends the same id and the
    engine's idempotency (and the exchange's) holds across the whole pipeline."""
    candidate = f"{PIPELINE_ORDER_PREFIX}{signal_id}"
    if len(candidate) <= _MAX_CLIENT_ORDER_ID:
        return candidate
    digest = hashlib.sha256(signal_id.encode()).hexdigest()
    return PIPELINE_ORDER_PREFIX + digest[: _MAX_CLIENT_ORDER_ID - len(PIPELINE_ORDER_PREFIX)]


def require_caller_order_id(client_order_id: str) -> str:
    """``client_order_id`` if a caller of ``POST /orders`` may use it; ``BadRequest`` otherwise.

    Signal ids are predictable (strategy, symbol, bar), so a caller who could place an order
    under a pipeline id would squat it: the engine would answer the pipeline's later order as a
    duplicate of the caller's, and the signal's own order would never be placed.
    """
    if client_order_id.lower().startswith(PIPELINE_ORDER_PREFIX):
        raise BadRequest(
            f"client_order_id {client_order_id!r}: ids starting with {PIPELINE_ORDER_PREFIX!r} are the "
            "signal pipeline's; choose another",
            details={"field": "client_order_id", "reserved_prefix": PIPELINE_ORDER_PREFIX},
        )
    return client_order_id


def exchange_symbol(unified: str) -> str:
    """``BTC/USDT`` → ``BTCUSDT``, the spelling the Rust engine and Binance key orders by."""
    return unified.split(":", 1)[0].replace("/", "")


def order_for_signal(signal: Signal, account: str, *, opens: bool = True, venue: Venue | None = None) -> OrderCommand:
    """A limit price in the signal makes a GTC limit order; otherwise a market order. An order
    that ``opens`` (or adds to) a position carries the strategy's protective exits; one that only
    reduces a position needs none. ``venue`` is the account's (None: the engine's own)."""
    limit = signal.limit_price
    return OrderCommand(
        client_order_id=client_order_id_for(signal.signal_id),
        signal_id=signal.signal_id,
        account=account,
        symbol=exchange_symbol(signal.symbol),
        side=signal.side.value,
        type="limit" if limit is not None else "market",
        quantity=signal.quantity,
        price=limit,
        time_in_force="GTC",
        protection=signal.protection if opens else None,
        venue=venue,
    )


def order_notional(signal: Signal, price: Decimal) -> Decimal:
    return signal.quantity * (signal.limit_price or price)
