from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fks.auth import JwtSettings, Scope, issue_key, parse_presented_key, required_scope, verify_jwt
from fks.auth.principal import AuthError

SECRET = "s" * 64


def _claims(**overrides: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "sub": "alice",
        "iss": "fks",
        "aud": "fks-api",
        "exp": datetime.now(UTC) + timedelta(minutes=5),
        "scope": "read trade",
    }
    claims.update(overrides)
    return claims


def test_issued_key_authenticates_and_only_its_hash_is_kept() -> None:
    issued = issue_key("bot", frozenset({Scope.TRADE}), "2026-11-21T00:00:00+00:00")
    key_id, secret = parse_presented_key(issued.presented)

    principal = issued.key.authenticate(secret)

    assert key_id == issued.key.key_id
    assert secret not in issued.key.secret_hash
    assert principal.allows(Scope.READ)
    assert principal.allows(Scope.TRADE)
    assert not principal.allows(Scope.ADMIN)


def test_wrong_secret_and_revoked_key_are_refused() -> None:
    issued = issue_key("bot", frozenset({Scope.READ}), "2026-11-21T00:00:00+00:00")
    _, secret = parse_presented_key(issued.presented)

    with pytest.raises(AuthError, match="wrong secret"):
        issued.key.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    with pytest.raises(AuthError, match="revoked"):
        type(issued.key)(**{**issued.key.__dict__, "revoked": True}).authenticate(secret)


@pytest.mark.parametrize(
    ("method", "resource", "scope"),
    [
        ("GET", "/orders/{id}", Scope.READ),
        ("POST", "/orders", Scope.TRADE),
        ("DELETE", "/orders/{id}", Scope.TRADE),
        ("POST", "/signals/{id}/approve", Scope.TRADE),
        ("POST", "/risk/halt", Scope.ADMIN),
        ("POST", "/assets/enable", Scope.ADMIN),
        ("POST", "/backtests", Scope.READ),
        ("POST", "/ninja/fills", Scope.TRADE),
        ("POST", "/ninja/refusals", Scope.TRADE),
        ("POST", "/something-new", Scope.ADMIN),
    ],
)
def test_route_scopes(method: str, resource: str, scope: Scope) -> None:
    assert required_scope(method, resource) is scope


def test_hs256_token_gives_its_scopes() -> None:
    token = jwt.encode(_claims(), SECRET, algorithm="HS256")

    principal = verify_jwt(token, JwtSettings("fks", "fks-api", hs256_secret=SECRET))

    assert principal.subject == "alice"
    assert principal.scopes == frozenset({Scope.READ, Scope.TRADE})


def test_rs256_token_is_verified_with_the_public_key() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    token = jwt.encode(_claims(scope="admin"), private, algorithm="RS256")

    principal = verify_jwt(token, JwtSettings("fks", "fks-api", rs256_public_key=public_pem))

    assert principal.allows(Scope.ADMIN)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"exp": datetime.now(UTC) - timedelta(minutes=5)}, "expired"),
        ({"aud": "other"}, "(?i)audience"),
        ({"iss": "other"}, "(?i)issuer"),
        ({"scope": "read superuser"}, "unknown scope"),
    ],
)
def test_bad_tokens_are_refused_with_the_reason(overrides: dict[str, object], message: str) -> None:
    token = jwt.encode(_claims(**overrides), SECRET, algorithm="HS256")

    with pytest.raises(AuthError, match=message):
        verify_jwt(token, JwtSettings("fks", "fks-api", hs256_secret=SECRET))


def test_algorithm_not_configured_is_refused() -> None:
    token = jwt.encode(_claims(), SECRET, algorithm="HS256")

    with pytest.raises(AuthError, match="not accepted"):
        verify_jwt(token, JwtSettings("fks", "fks-api", rs256_public_key="unused"))
