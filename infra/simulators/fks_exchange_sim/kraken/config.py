"""Settings of a Kraken simulator: credentials, fee tier and the REST call counter."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fks_exchange_sim.ledger import Fees

DEFAULT_KRAKEN_API_KEY = "fks-sim-kraken-api-key"
# Kraken secrets are base64; this one decodes to b"fks-sim-kraken-secret-000...". Public on purpose.
DEFAULT_KRAKEN_SECRET = "ZmtzLXNpbS1rcmFrZW4tc2VjcmV0LTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA=="  # noqa: S105


@dataclass(frozen=True)
class KrakenConfig:
    api_key: str = DEFAULT_KRAKEN_API_KEY
    api_secret: str = DEFAULT_KRAKEN_SECRET
    # Kraken's lowest volume tier: 0.25 % maker, 0.40 % taker, charged in the quote currency.
    fees: Fees = field(default_factory=lambda: Fees(taker=Decimal("0.004"), maker=Decimal("0.0025"), in_quote=True))
    # The Starter tier's REST call counter: at most 15, decaying by 0.33 per second.
    counter_max: Decimal = Decimal(15)
    counter_decay_per_s: Decimal = Decimal("0.33")
    # The Starter tier's trading counter, per key and pair: at most 60, decaying by 1 per second.
    trading_counter_max: Decimal = Decimal(60)
    trading_decay_per_s: Decimal = Decimal(1)
