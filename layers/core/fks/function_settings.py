"""A function's configuration: the environment variables template.yaml gives it, read and checked
once, when its container starts.

Each function declares what it reads as a settings class beside its handler::

    class Settings(PortfolioSettings):
        signals_table: str = variable(env.SIGNALS_TABLE)
        approval_window_s: int = variable(env.APPROVAL_WINDOW_S, int, default=3600)

    SETTINGS = Settings.from_environ()  # at import: Lambda's init

so a variable that is missing (unset or empty, as the template's conditional values leave them)
or does not parse fails the cold start with one error naming every such variable, instead of the
first invocation that happens to need it. A class inherits the variables of its bases (the
groups below, which several functions read together). The values are frozen once read. These are
the deployment's wiring (tables, topics, functions); the settings an operator changes at run time
live in SSM (``fks.settings``).

Neither a pydantic model nor a dataclass: the authorizer and the web function import no pydantic,
and a frozen dataclass compiles six methods per class with ``exec`` (about 2 ms each class on an
idle core, several times that on a busy one), which every function's cold start would pay for
the groups it never reads. Here a class costs what any class costs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Self

from fks import env

_REQUIRED: Any = object()


class SettingsError(RuntimeError):
    """The environment lacks a variable the function needs, or holds one it cannot read."""


class Variable:
    """A setting read from the environment variable ``name`` by ``parse``."""

    __slots__ = ("default", "default_factory", "name", "parse")

    def __init__(self, name: str, parse: Callable[[str], Any], default: Any, default_factory: Any) -> None:
        self.name, self.parse, self.default, self.default_factory = name, parse, default, default_factory

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED and self.default_factory is _REQUIRED

    def unset(self) -> Any:
        return self.default_factory() if self.default_factory is not _REQUIRED else self.default


def variable(
    name: str, parse: Callable[[str], Any] = str, *, default: Any = _REQUIRED, default_factory: Any = _REQUIRED
) -> Any:
    """A field read from the environment variable ``name`` by ``parse`` (``str``, ``int``,
    ``Decimal``, a JSON reader...); without a default the variable is required."""
    return Variable(name, parse, default, default_factory)


def flag(text: str) -> bool:
    """A template's boolean: "true" (any case) is true, anything else false."""
    return text.strip().lower() == "true"


def names(text: str) -> tuple[str, ...]:
    """A comma-separated list, empty items dropped."""
    return tuple(item for item in text.split(",") if item)


class FunctionSettings:
    """Base of every function's settings: its ``variable`` fields, read by ``from_environ``."""

    _fields: ClassVar[dict[str, Variable]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, Variable] = {}
        for klass in reversed(cls.__mro__):
            found.update({attr: value for attr, value in vars(klass).items() if isinstance(value, Variable)})
        cls._fields = found

    def __init__(self, **values: Any) -> None:
        unknown = sorted(set(values) - set(self._fields))
        if unknown:
            raise TypeError(f"{type(self).__name__} has no setting {', '.join(unknown)}")
        for attr, spec in self._fields.items():
            if attr in values:
                value = values[attr]
            elif spec.required:
                raise TypeError(f"{type(self).__name__} needs {attr}")
            else:
                value = spec.unset()
            object.__setattr__(self, attr, value)
        self.check()

    def check(self) -> None:
        """A rule across variables (``SettingsError`` naming them); none by default."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Self:
        source = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        problems: list[str] = []
        for attr, spec in cls._fields.items():
            raw = source.get(spec.name) or ""
            if not raw:
                if spec.required:
                    problems.append(f"{spec.name} is not set")
                continue
            try:
                values[attr] = spec.parse(raw)
            except (ValueError, ArithmeticError, TypeError) as error:
                reader = getattr(spec.parse, "__name__", "its reader")
                # A reader's own ValueError says what is wrong (Decimal's InvalidOperation does not).
                why = f": {error}" if isinstance(error, ValueError) and str(error) else ""
                problems.append(f"{spec.name}={raw!r} is not a valid {reader}{why}")
        if problems:
            raise SettingsError(f"{cls.__module__}.{cls.__qualname__}: " + "; ".join(problems))
        return cls(**values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read once, at cold start: {name} cannot change")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read once, at cold start: {name} cannot go")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, attr) for attr in self._fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionSettings) and type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{attr}={getattr(self, attr)!r}" for attr in self._fields)
        return f"{type(self).__name__}({inner})"


# Groups of variables several functions read together; a function's settings inherit the groups
# it needs.


class ApiSettings(FunctionSettings):
    """Every function behind the REST API: its answers carry CORS for the dashboard's origin."""

    cors_origin: str = variable(env.CORS_ORIGIN, default="http://localhost:8080")


class TradingAccountSettings(FunctionSettings):
    # The template's TradingAccount default, for a function given no FKS_ACCOUNT.
    trading_account: str = variable(env.TRADING_ACCOUNT, default="binance-spot")


class ExecutionTablesSettings(FunctionSettings):
    orders_table: str = variable(env.ORDERS_TABLE)
    positions_table: str = variable(env.POSITIONS_TABLE)
    risk_state_table: str = variable(env.RISK_STATE_TABLE)


class PortfolioSettings(FunctionSettings):
    portfolio_table: str = variable(env.PORTFOLIO_TABLE)
    # An account's cash before its first fill; the template's InitialCapital default otherwise.
    initial_capital: Decimal = variable(env.INITIAL_CAPITAL, Decimal, default=Decimal(100000))


class NoticeSettings(FunctionSettings):
    """Where people are told (both optional: no channel, no notice)."""

    notify_topic_arn: str | None = variable(env.NOTIFY_TOPIC_ARN, default=None)
    notify_webhook_url: str | None = variable(env.NOTIFY_WEBHOOK_URL, default=None)


class AccountsTableSettings(FunctionSettings):
    """The accounts table (a deployment without one routes every order to the engine's venue)."""

    accounts_table: str | None = variable(env.ACCOUNTS_TABLE, default=None)


class OrderSyncSettings(
    TradingAccountSettings, ExecutionTablesSettings, PortfolioSettings, NoticeSettings, AccountsTableSettings
):
    """A function that runs the order sync (the scheduled sync, and reconciliation before it
    compares): the engine it asks, the tables it books into, the signals whose fills it owns."""

    signals_table: str = variable(env.SIGNALS_TABLE)
    execute_order_function: str = variable(env.EXECUTE_ORDER_FUNCTION)
