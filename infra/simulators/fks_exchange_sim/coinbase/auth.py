"""Coinbase Advanced Trade's per-request JWT (``Authorization: Bearer <jwt>``) checked like Coinbase.

The token is ES256-signed with the CDP key's EC private key; its header names the key (``kid``)
and carries a ``nonce``; its claims are ``sub`` = the key name, ``iss`` = ``cdp`` (ccxt still sends
the older ``coinbase-cloud``, which Coinbase accepts too), ``nbf``/``exp`` at most two minutes
apart and covering now, and ``uri`` = ``"<METHOD> <host><path>"`` without the query. ccxt strips
only an ``https://`` scheme, so over the simulator's plain HTTP its ``uri`` keeps ``http://``;
both spellings of this host are accepted, any other host or path is not.
"""

from __future__ import annotations

from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from fks_exchange_sim.coinbase.config import CoinbaseConfig

ISSUERS = ("cdp", "coinbase-cloud")
MAX_LIFETIME_S = 120
# Clocks differ a little between client and venue.
LEEWAY_S = 5


class Unauthorized(Exception):
    pass


def public_key(config: CoinbaseConfig) -> ec.EllipticCurvePublicKey:
    private = serialization.load_pem_private_key(config.private_key_pem.encode(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise ValueError("a Coinbase CDP key is an EC private key")
    return private.public_key()


class CoinbaseAuth:
    def __init__(self, config: CoinbaseConfig) -> None:
        self._config = config
        self._public_key = public_key(config)

    def verify(self, authorization: str | None, method: str, host: str | None, path: str, now_s: int) -> str:
        """The key name once the bearer token is good for this request; Unauthorized names why not."""
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        token = authorization.removeprefix("Bearer ")
        try:
            header = jwt.get_unverified_header(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                self._public_key,
                algorithms=["ES256"],
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"bad token: {error}") from None
        self._check(header, claims, method, host, path, now_s)
        return self._config.key_name

    def _check(
        self, header: dict[str, Any], claims: dict[str, Any], method: str, host: str | None, path: str, now_s: int
    ) -> None:
        name = self._config.key_name
        if header.get("kid") != name or claims.get("sub") != name:
            raise Unauthorized("unknown key")
        if not header.get("nonce"):
            raise Unauthorized("no nonce")
        if claims.get("iss") not in ISSUERS:
            raise Unauthorized("wrong issuer")
        nbf, exp = claims.get("nbf"), claims.get("exp")
        if not isinstance(nbf, int) or not isinstance(exp, int) or not 0 < exp - nbf <= MAX_LIFETIME_S:
            raise Unauthorized("nbf/exp missing or more than two minutes apart")
        if not nbf - LEEWAY_S <= now_s < exp + LEEWAY_S:
            raise Unauthorized("token expired or not yet valid")
        uris = claims.get("uri") or (claims.get("uris") or [None])[0]
        allowed = {f"{method} {host}{path}", f"{method} http://{host}{path}"}
        if host is None or uris not in allowed:
            raise Unauthorized("uri does not match the request")
