"""Exchange adapters: ccxt clients built one way, for the real venues and the local simulator."""

from fks_adapters.exchanges.ccxt_factory import make_exchange

__all__ = ["make_exchange"]
