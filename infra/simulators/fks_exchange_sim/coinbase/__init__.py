"""Coinbase Advanced Trade's REST API (``/api/v3/brokerage/*``) over the shared simulated exchange.

See the simulator's README.md ("Coinbase") for the endpoints, the JWT and the error shapes.
"""

from fks_exchange_sim.coinbase.config import (
    DEFAULT_COINBASE_KEY_NAME,
    DEFAULT_COINBASE_PRIVATE_KEY,
    CoinbaseConfig,
)

__all__ = ["DEFAULT_COINBASE_KEY_NAME", "DEFAULT_COINBASE_PRIVATE_KEY", "CoinbaseConfig"]
