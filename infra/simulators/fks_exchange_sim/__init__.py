"""A local exchange: Binance's, Kraken's or Coinbase Advanced Trade's spot REST API on loopback,
with deterministic sample candles.

The real ``ccxt.binance``, ``ccxt.kraken`` and ``ccxt.coinbase`` classes talk to it unchanged once
their URLs point here (``make_exchange(sim.venue_name, base_url=sim.url, **sim.ccxt_arguments())``).
README.md beside this file lists each venue's endpoints, the credentials and how the sample data
is generated; the ``kraken`` and ``coinbase`` subpackages hold those venues' wire formats.
"""

from fks_exchange_sim.candles import sample_candles
from fks_exchange_sim.config import DEFAULT_API_KEY, DEFAULT_API_SECRET, SimulatorConfig
from fks_exchange_sim.server import ExchangeSimulator, PortInUseError

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "ExchangeSimulator",
    "PortInUseError",
    "SimulatorConfig",
    "sample_candles",
]
