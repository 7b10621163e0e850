"""API keys: ``fks_<key id>_<secret>``, shown once at creation, stored only as a hash.

The secret has 256 bits of randomness, so a plain SHA-256 is enough to store it (a slow password
hash protects low-entropy secrets, which these are not); comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from fks.auth.principal import AuthError, Principal, Scope

_PRESENTED = re.compile(r"^fks_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    """A stored key: never the secret, only its hash."""

    key_id: str
    name: str
    secret_hash: str
    scopes: frozenset[Scope]
    created_at: str
    revoked: bool = False
    usage_key: str | None = None

    def authenticate(self, secret: str) -> Principal:
        if self.revoked:
            raise AuthError(f"key {self.key_id} is revoked")
        if not hmac.compare_digest(self.secret_hash, hash_secret(secret)):
            raise AuthError(f"wrong secret for key {self.key_id}")
        return Principal(self.key_id, "api_key", self.scopes, self.usage_key)


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    presented: str  # what the caller sends; shown once


def issue_key(name: str, scopes: frozenset[Scope], created_at: str) -> IssuedKey:
    if not scopes:
        raise ValueError("a key needs at least one scope")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(key_id, name, hash_secret(secret), scopes, created_at)
    return IssuedKey(key, f"fks_{key_id}_{secret}")


def parse_presented_key(presented: str) -> tuple[str, str]:
    """(key id, secret) from what the caller sent, or AuthError."""
    match = _PRESENTED.match(presented.strip())
    if match is None:
        raise AuthError("malformed API key")
    return match.group(1), match.group(2)
