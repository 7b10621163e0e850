"""The venues FKS collects from and trades on, and what differs between them: where their REST API
is (production, testnet, or a configured override such as the local simulator) and how fast one
key may call it.

Rates are in ccxt's cost units (ccxt prices each endpoint in units of its ``rateLimit``, so one
unit a ``rateLimit`` milliseconds is the venue's documented pace): Binance 20 units/s (its 6000
request weight a minute, as ccxt prices klines and exchangeInfo), Kraken one public call a second,
Coinbase Advanced Trade 30 private / 10 public requests a second (ccxt spaces every call 34 ms).
The burst is how many units may go at once after a quiet spell; the shared budget
(``rate_budget``) holds both per venue and key, across every function.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import get_args

from fks import env
from fks.errors import BadRequest
from fks.execution import AccountMode as Mode
from fks.execution import Venue

VENUE_IDS: tuple[str, ...] = get_args(Venue)


@dataclass(frozen=True, slots=True)
class VenueSpec:
    id: str
    # Environment variable naming another base URL for every function (the local simulator).
    base_url_variable: str
    production_url: str
    # The venue's sandbox, for accounts in ``testnet`` mode; None where the venue has none for spot.
    testnet_url: str | None
    rate_per_s: Decimal
    burst: Decimal


VENUES: dict[str, VenueSpec] = {
    "binance": VenueSpec(
        "binance",
        env.EXCHANGE_BASE_URL,
        "https://api.binance.com",
        "https://testnet.binance.vision",
        Decimal(20),
        Decimal(40),
    ),
    # Kraken has no public spot sandbox (its demo environment is for futures only). Its Starter
    # call counter allows 15 points at once, a point being 3 of ccxt's units: a burst of 45 units.
    "kraken": VenueSpec("kraken", env.KRAKEN_BASE_URL, "https://api.kraken.com", None, Decimal(1), Decimal(45)),
    "coinbase": VenueSpec(
        "coinbase",
        env.COINBASE_BASE_URL,
        "https://api.coinbase.com",
        "https://api-sandbox.coinbase.com",
        Decimal(29),
        Decimal(30),
    ),
}


def venue(venue_id: str) -> VenueSpec:
    """The venue ``venue_id``, or a ``BadRequest`` naming it and the supported ones."""
    spec = VENUES.get(venue_id)
    if spec is None:
        raise BadRequest(
            f"unknown exchange {venue_id!r}; supported: {', '.join(VENUE_IDS)}",
            details={"exchange": venue_id, "supported": list(VENUE_IDS)},
        )
    return spec


def configured_base_url(venue_id: str) -> str | None:
    """The deployment's base URL for ``venue_id`` (its environment variable), or None: production."""
    return env.get(venue(venue_id).base_url_variable) or None


def base_url_for(venue_id: str, mode: Mode, override: str | None = None) -> str | None:
    """Where an account of ``mode`` on ``venue_id`` sends its calls: its own override, else the
    deployment's URL for the venue (the local simulator), else the venue's testnet for ``testnet``
    (None, production, for paper and live). A testnet account on a venue without a spot testnet
    and without an override is a ``BadRequest``: it must never reach production by default."""
    if override:
        return override
    configured = configured_base_url(venue_id)
    if configured:
        return configured
    if mode == "testnet":
        testnet = venue(venue_id).testnet_url
        if testnet is None:
            raise BadRequest(
                f"{venue_id} has no spot testnet: give the account a base_url or another mode",
                details={"exchange": venue_id, "mode": mode},
            )
        return testnet
    return None
