"""Settings of a Coinbase Advanced Trade simulator: the CDP key, fee tier and rate limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from fks_exchange_sim.ledger import Fees

# A CDP API key as Coinbase issues them: a name and an EC P-256 private key. Generated for the
# simulator and published on purpose: it only ever signs requests to loopback.
DEFAULT_COINBASE_KEY_NAME = "organizations/fks-sim/apiKeys/fks-sim-coinbase-key"
DEFAULT_COINBASE_PRIVATE_KEY = """-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICXV14jp9+e8om7KkqFnZrODErNWa88fPtI0AdNai/dioAoGCCqGSM49
AwEHoUQDQgAEvc1rsJwGnSjV1LTGu338q/rPQ6NXWb1ULnYubtLSaUBwn6dIS0gK
m1yLylqVbQEvmt/HDBAiP4Yukv/2MJrJ+Q==
-----END EC PRIVATE KEY-----
"""


def generate_key_pem() -> str:
    """A fresh EC P-256 private key in PEM, as a CDP key's secret: for a simulator with a key of its
    own, or a client whose signatures the default simulator must refuse."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return pem.decode()


@dataclass(frozen=True)
class CoinbaseConfig:
    key_name: str = DEFAULT_COINBASE_KEY_NAME
    # The simulator verifies with the public half; the private half is here so tests can sign.
    private_key_pem: str = DEFAULT_COINBASE_PRIVATE_KEY
    # Advanced Trade's first tier: 0.60 % maker, 1.20 % taker, charged in the quote currency.
    fees: Fees = field(default_factory=lambda: Fees(taker=Decimal("0.012"), maker=Decimal("0.006"), in_quote=True))
    # Requests per second: per key on private endpoints, per IP on public ones (Coinbase's limits).
    private_per_second: int = 30
    public_per_second: int = 10
