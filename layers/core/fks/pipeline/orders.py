"""The order a signal becomes: the execution engine's command, keyed so a retry never doubles it."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from fks.execution import OrderCommand
from fks.signals import Signal

_MAX_CLIENT_ORDER_ID = 36  # Binance's newClientOrderId limit


def client_order_id_for(signal_id: str) -> str:
    """Derived from the signal id alone, so every retry of every state sends the same id and the
    engine's idempotency (and the exchange's) holds across the whole pipeline."""
    candidate = f"sig-{signal_id}"
    if len(candidate) <= _MAX_CLIENT_ORDER_ID:
        return candidate
    return "sig-" + hashlib.sha256(signal_id.encode()).hexdigest()[: _MAX_CLIENT_ORDER_ID - 4]


def exchange_symbol(unified: str) -> str:
    """``BTC/USDT`` → ``BTCUSDT``, the spelling the Rust engine and Binance key orders by."""
    return unified.split(":", 1)[0].replace("/", "")


def order_for_signal(signal: Signal, account: str, *, opens: bool = True) -> OrderCommand:
    """A limit price in the signal makes a GTC limit order; otherwise a market order. An order
    that ``opens`` (or adds to) a position carries the strategy's protective exits; one that only
    reduces a position needs none."""
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
    )


def order_notional(signal: Signal, price: Decimal) -> Decimal:
    return signal.quantity * (signal.limit_price or price)
