"""The exchange's lot step per symbol (its LOT_SIZE filter, as ccxt's market precision), so a
rebalancing order is one the execution engine and the exchange accept."""

from __future__ import annotations

from decimal import Decimal

from fks.errors import TemporaryError
from fks_adapters.exchanges.clients import public_client


def lot_steps(exchange_id: str, symbols: list[str]) -> dict[str, Decimal]:
    """Public market data only: no key. Symbols the exchange does not list are left out."""
    import ccxt  # imported here: only a rebalance pays for ccxt's import

    exchange = public_client(exchange_id)  # the venue's own URL, paid from its shared rate budget
    try:
        markets = exchange.load_markets()
    except ccxt.NetworkError as error:
        raise TemporaryError(f"{exchange_id} markets unavailable: {error}") from error
    steps = {}
    for symbol in symbols:
        amount = (markets.get(symbol) or {}).get("precision", {}).get("amount")
        if amount:
            steps[symbol] = Decimal(str(amount))
    return steps
