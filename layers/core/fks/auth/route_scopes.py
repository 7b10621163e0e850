"""Which scope each route needs. Reading needs ``read``; acting on the market needs ``trade``;
changing what the platform is (assets, strategies, keys, halting) needs ``admin``. A write not
listed needs ``admin``: a new route is closed until someone decides otherwise."""

from __future__ import annotations

import re

from fks.auth.principal import Scope

_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
# (method, resource pattern) in API Gateway's resource syntax, first match wins.
_WRITE_RULES: list[tuple[str, str, Scope]] = [
    ("POST", "/orders", Scope.TRADE),
    ("DELETE", "/orders/{id}", Scope.TRADE),
    ("POST", "/signals/{id}/approve", Scope.TRADE),
    ("POST", "/signals/{id}/reject", Scope.TRADE),
    ("POST", "/portfolio/rebalance", Scope.TRADE),
    ("POST", "/ninja/*", Scope.TRADE),  # the NinjaTrader bridge reports its fills, orders, positions, refusals
    ("POST", "/backtests", Scope.READ),  # computes from history; changes nothing that trades
    ("POST", "/optimizations", Scope.READ),
    ("POST", "/risk/halt", Scope.ADMIN),
    ("POST", "/risk/resume", Scope.ADMIN),
    ("*", "/assets/*", Scope.ADMIN),
    ("*", "/strategies*", Scope.ADMIN),
    ("*", "/keys*", Scope.ADMIN),
    ("POST", "/models/*", Scope.ADMIN),  # training spends minutes of compute and replaces served models
    ("PUT", "/settings/*", Scope.ADMIN),  # limits and prop-firm accounts: what the platform may trade
    ("POST", "/ai/notes", Scope.TRADE),  # an operator's note joins what every briefing and search may show
    ("POST", "/ai/search", Scope.READ),  # reads the index; changes nothing
]


def _matches(pattern: str, resource: str) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\{id\}", r"\{[^/]+\}")
    return re.fullmatch(regex, resource) is not None


def required_scope(method: str, resource: str) -> Scope:
    """The scope a request needs, from its method and API Gateway resource (e.g. /orders/{id})."""
    method = method.upper()
    if method in _READ_METHODS:
        return Scope.READ
    for rule_method, pattern, scope in _WRITE_RULES:
        if rule_method in ("*", method) and _matches(pattern, resource):
            return scope
    return Scope.ADMIN
