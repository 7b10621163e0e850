"""Kraken's private-call authentication and its REST call counter.

``API-Sign`` = base64(HMAC-SHA512(base64-decoded secret, URI path + SHA-256(nonce + POST body))),
where the body is the form-encoded POST data that includes ``nonce``. The nonce must grow with
every call of a key (``EAPI:Invalid nonce`` otherwise, and the call is not carried out).

The call counter (Kraken's Starter tier by default, limits.py) gains 1 per call (2 for ledger and
trade history) and refuses a call that would take it past the maximum with
``EAPI:Rate limit exceeded``. AddOrder and CancelOrder are on the trading counter instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading

from fks_exchange_sim.kraken import errors
from fks_exchange_sim.kraken.config import KrakenConfig
from fks_exchange_sim.kraken.limits import DecayingCounter


def expected_signature(secret_b64: str, path: str, nonce: str, body: str) -> str:
    digest = hashlib.sha256((nonce + body).encode()).digest()
    key = base64.b64decode(secret_b64)
    return base64.b64encode(hmac.new(key, path.encode() + digest, hashlib.sha512).digest()).decode()


class KrakenAuth:
    """Keys, nonces and call counters of one simulator; thread-safe."""

    def __init__(self, config: KrakenConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._last_nonce: dict[str, int] = {}
        self.calls = DecayingCounter(config.counter_max, config.counter_decay_per_s, errors.RATE_LIMIT)

    def verify(self, api_key: str | None, signature: str | None, path: str, nonce: str | None, body: str) -> str:
        """The caller's key once its signature and nonce are good; else the KrakenError."""
        if not api_key or api_key != self._config.api_key:
            raise errors.KrakenError(errors.INVALID_KEY)
        if not nonce or not nonce.isdigit():
            raise errors.KrakenError(errors.INVALID_NONCE)
        try:
            expected = expected_signature(self._config.api_secret, path, nonce, body)
        except binascii.Error:
            raise errors.KrakenError(errors.INVALID_KEY) from None
        if signature is None or not hmac.compare_digest(expected, signature):
            raise errors.KrakenError(errors.INVALID_SIGNATURE)
        with self._lock:
            if int(nonce) <= self._last_nonce.get(api_key, -1):
                raise errors.KrakenError(errors.INVALID_NONCE)
            self._last_nonce[api_key] = int(nonce)
        return api_key
