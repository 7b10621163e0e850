"""The caller, once authenticated, and the scopes it holds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    READ = "read"
    TRADE = "trade"
    ADMIN = "admin"


# admin implies trade implies read: a key is created with the highest scope it needs.
_IMPLIES = {Scope.READ: {Scope.READ}, Scope.TRADE: {Scope.READ, Scope.TRADE}, Scope.ADMIN: set(Scope)}


class AuthError(Exception):
    """Missing, malformed, unknown, revoked or expired credentials: always a plain 401."""


@dataclass(frozen=True)
class Principal:
    subject: str  # the key id, or the JWT's sub
    kind: str  # "api_key" or "jwt"
    scopes: frozenset[Scope]
    usage_key: str | None = None  # the API Gateway key its usage plan counts against

    def effective_scopes(self) -> set[Scope]:
        granted: set[Scope] = set()
        for scope in self.scopes:
            granted |= _IMPLIES[scope]
        return granted

    def allows(self, scope: Scope) -> bool:
        return scope in self.effective_scopes()


def parse_scopes(text: str | list[str]) -> frozenset[Scope]:
    items = text.replace(",", " ").split() if isinstance(text, str) else text
    try:
        return frozenset(Scope(item.strip().lower()) for item in items if item.strip())
    except ValueError as exc:
        raise ValueError(f"unknown scope in {items!r}: scopes are {', '.join(s.value for s in Scope)}") from exc
