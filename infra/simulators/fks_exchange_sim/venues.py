"""The simulated venues and what each one brings: its settings, its fees and its REST application.

Binance's settings live in ``SimulatorConfig`` (its application predates the others); Kraken and
Coinbase each have a config of their own. The matching engine, the sample candles and the account
are shared: only the wire format, the signing, the errors and the rate limits differ per venue.
"""

from __future__ import annotations

from fks_exchange_sim.application import Clock, VenueApplication
from fks_exchange_sim.coinbase.application import CoinbaseApplication
from fks_exchange_sim.coinbase.config import CoinbaseConfig
from fks_exchange_sim.config import SimulatorConfig
from fks_exchange_sim.faults import FaultInjector
from fks_exchange_sim.kraken.application import KrakenApplication
from fks_exchange_sim.kraken.config import KrakenConfig
from fks_exchange_sim.ledger import Fees
from fks_exchange_sim.routing import Venue

VENUES = ("binance", "kraken", "coinbase")
VenueConfig = KrakenConfig | CoinbaseConfig


def venue_config(name: str, given: object | None) -> VenueConfig | None:
    """``given`` checked against ``name``, or that venue's defaults; None for Binance."""
    expected: dict[str, type[VenueConfig]] = {"kraken": KrakenConfig, "coinbase": CoinbaseConfig}
    if name == "binance":
        if given is not None:
            raise ValueError("the binance simulator takes its settings in config=SimulatorConfig(...)")
        return None
    config_type = expected.get(name)
    if config_type is None:
        raise ValueError(f"venue must be one of {list(VENUES)}, not {name!r}")
    if given is None:
        return config_type()
    if not isinstance(given, config_type):
        raise ValueError(f"the {name} simulator takes a {config_type.__name__}, not {type(given).__name__}")
    return given


def fees(config: VenueConfig | None) -> Fees | None:
    return None if config is None else config.fees


def holds_untriggered(config: VenueConfig | None) -> bool:
    """Whether the venue locks a stop's funds when it is placed (Binance, Coinbase) or when it triggers (Kraken)."""
    return not isinstance(config, KrakenConfig)


def application(config: VenueConfig, shared: Venue, faults: FaultInjector, clock: Clock) -> VenueApplication:
    if isinstance(config, KrakenConfig):
        return KrakenApplication(config, shared, faults, clock)
    return CoinbaseApplication(config, shared, faults, clock)


def ccxt_arguments(binance: SimulatorConfig, config: VenueConfig | None) -> dict[str, str]:
    """The credentials (and options) a ccxt client of the venue needs, as ``make_exchange`` takes them."""
    if isinstance(config, KrakenConfig):
        return {"api_key": config.api_key, "secret": config.api_secret}
    if isinstance(config, CoinbaseConfig):
        # ccxt reads balances from the Coinbase App API unless told to use Advanced Trade's accounts.
        return {
            "api_key": config.key_name,
            "secret": config.private_key_pem,
            "fetchBalance": "v3PrivateGetBrokerageAccounts",
        }
    return {"api_key": binance.api_key, "secret": binance.api_secret}
