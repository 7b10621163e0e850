"""Who is calling and what they may do: API keys, JWTs and per-route scopes."""

from fks.auth.api_keys import ApiKey, IssuedKey, hash_secret, issue_key, parse_presented_key
from fks.auth.principal import Principal, Scope
from fks.auth.route_scopes import required_scope
from fks.auth.tokens import JwtSettings, verify_jwt

__all__ = [
    "ApiKey",
    "IssuedKey",
    "JwtSettings",
    "Principal",
    "Scope",
    "hash_secret",
    "issue_key",
    "parse_presented_key",
    "required_scope",
    "verify_jwt",
]
