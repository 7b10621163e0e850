"""Kraken's spot REST API (``/0/public/*``, ``/0/private/*``) over the shared simulated exchange.

See the simulator's README.md ("Kraken") for the endpoints, the signing and the error texts.
"""

from fks_exchange_sim.kraken.config import DEFAULT_KRAKEN_API_KEY, DEFAULT_KRAKEN_SECRET, KrakenConfig

__all__ = ["DEFAULT_KRAKEN_API_KEY", "DEFAULT_KRAKEN_SECRET", "KrakenConfig"]
