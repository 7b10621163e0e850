"""A local exchange: Binance's spot REST API on loopback, with deterministic sample candles.

The real ``ccxt.binance`` class talks to it unchanged once its URLs point here (see
``fks_adapters.exchanges.make_exchange``). README.md beside this file lists the endpoints, the
credentials and how the sample data is generated.
"""

from fks_local.exchange_sim.candles import sample_candles
from fks_local.exchange_sim.config import DEFAULT_API_KEY, DEFAULT_API_SECRET, SimulatorConfig
from fks_local.exchange_sim.server import ExchangeSimulator, PortInUseError

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "ExchangeSimulator",
    "PortInUseError",
    "SimulatorConfig",
    "sample_candles",
]
