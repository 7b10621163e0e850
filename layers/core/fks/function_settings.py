"""A function's configuration: the environment variables template.yaml gives it, read and checked
once, when its container starts.

Each function declares what it reads as a frozen dataclass beside its handler::

    @dataclass(frozen=True, kw_only=True)
    class Settings(FunctionSettings):
        signals_table: str = variable(env.SIGNALS_TABLE)
        initial_capital: Decimal = variable(env.INITIAL_CAPITAL, Decimal, default=Decimal(100000))

    SETTINGS = Settings.from_environ()  # at import: Lambda's init

so a variable that is missing (unset or empty, as the template's conditional values leave them)
or does not parse fails the cold start with one error naming every such variable, instead of the
first invocation that happens to need it. These are the deployment's wiring (tables, topics,
functions); the settings an operator changes at run time live in SSM (``fks.settings``).

A dataclass, not a pydantic model: the authorizer and the web function import no pydantic, and
this must not add it to their cold start.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from typing import Any, Self

from fks import env

_VARIABLE = "fks_variable"
_PARSE = "fks_parse"


class SettingsError(RuntimeError):
    """The environment lacks a variable the function needs, or holds one it cannot read."""


def variable(
    name: str, parse: Callable[[str], Any] = str, *, default: Any = MISSING, default_factory: Any = MISSING
) -> Any:
    """A field read from the environment variable ``name`` by ``parse`` (``str``, ``int``,
    ``Decimal``, a JSON reader...); without a default the variable is required."""
    metadata = {_VARIABLE: name, _PARSE: parse}
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def flag(text: str) -> bool:
    """A template's boolean: "true" (any case) is true, anything else false."""
    return text.strip().lower() == "true"


def names(text: str) -> tuple[str, ...]:
    """A comma-separated list, empty items dropped."""
    return tuple(item for item in text.split(",") if item)


class FunctionSettings:
    """Base of every function's settings dataclass (``@dataclass(frozen=True, kw_only=True)``)."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Self:
        source = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        problems: list[str] = []
        for spec in fields(cls):  # type: ignore[arg-type]
            name = spec.metadata.get(_VARIABLE)
            if name is None:
                continue
            raw = source.get(name) or ""
            if not raw:
                if spec.default is MISSING and spec.default_factory is MISSING:
                    problems.append(f"{name} is not set")
                continue
            try:
                values[spec.name] = spec.metadata[_PARSE](raw)
            except (ValueError, ArithmeticError, TypeError) as error:
                reader = getattr(spec.metadata[_PARSE], "__name__", "its reader")
                # A reader's own ValueError says what is wrong (Decimal's InvalidOperation does not).
                why = f": {error}" if isinstance(error, ValueError) and str(error) else ""
                problems.append(f"{name}={raw!r} is not a valid {reader}{why}")
        if problems:
            raise SettingsError(f"{cls.__module__}.{cls.__qualname__}: " + "; ".join(problems))
        return cls(**values)


# Groups of variables several functions read together; a function's settings inherit the groups
# it needs (dataclass fields add up along the bases).


@dataclass(frozen=True, kw_only=True)
class ApiSettings(FunctionSettings):
    """Every function behind the REST API: its answers carry CORS for the dashboard's origin."""

    cors_origin: str = variable(env.CORS_ORIGIN, default="http://localhost:8080")


@dataclass(frozen=True, kw_only=True)
class TradingAccountSettings(FunctionSettings):
    # The template's TradingAccount default, for a function given no FKS_ACCOUNT.
    trading_account: str = variable(env.TRADING_ACCOUNT, default="binance-spot")


@dataclass(frozen=True, kw_only=True)
class ExecutionTablesSettings(FunctionSettings):
    orders_table: str = variable(env.ORDERS_TABLE)
    positions_table: str = variable(env.POSITIONS_TABLE)
    risk_state_table: str = variable(env.RISK_STATE_TABLE)


@dataclass(frozen=True, kw_only=True)
class PortfolioSettings(FunctionSettings):
    portfolio_table: str = variable(env.PORTFOLIO_TABLE)
    # An account's cash before its first fill; the template's InitialCapital default otherwise.
    initial_capital: Decimal = variable(env.INITIAL_CAPITAL, Decimal, default=Decimal(100000))


@dataclass(frozen=True, kw_only=True)
class NoticeSettings(FunctionSettings):
    """Where people are told (both optional: no channel, no notice)."""

    notify_topic_arn: str | None = variable(env.NOTIFY_TOPIC_ARN, default=None)
    notify_webhook_url: str | None = variable(env.NOTIFY_WEBHOOK_URL, default=None)


@dataclass(frozen=True, kw_only=True)
class AccountsTableSettings(FunctionSettings):
    """The accounts table (a deployment without one routes every order to the engine's venue)."""

    accounts_table: str | None = variable(env.ACCOUNTS_TABLE, default=None)
