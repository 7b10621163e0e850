"""Trading accounts: which venue an account trades on, in which mode, with which key.

A deployment holds several (``binance-main``, ``kraken-main``, ``coinbase-paper``), each an item of
the accounts table, managed through ``/accounts`` (admin scope). ``paper`` fills against the
venue's public market data and needs no key; ``testnet`` trades with a key on the venue's sandbox
(Binance spot testnet, Coinbase's sandbox) or on the account's own ``base_url``; ``live`` trades on
production. The secret is named, never held: only ``execute_order`` reads it (and the
reconciliation its read-only one). A signal names its account; the order it becomes carries the
account's venue to the engine.
"""

from __future__ import annotations

from typing import Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fks.execution import ACCOUNT_PATTERN, AccountMode, Venue
from fks.settings.execution_limits import ExecutionRiskLimits

# A Secrets Manager name or ARN (its documented character set).
SECRET_ID_PATTERN = r"^[A-Za-z0-9/_+=.@:-]{1,2048}$"  # noqa: S105 - a name pattern, not a secret
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class AccountSettings(BaseModel):
    """What ``PUT /accounts/{account}`` takes: the account's venue, mode, key and limits."""

    # defer_build: validators are built on first use, not at import: an API function's cold start
    # imports these models for one route and should not build every model of the module.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    venue: Venue
    mode: AccountMode
    secret_id: str | None = Field(default=None, pattern=SECRET_ID_PATTERN)
    # A read-only key of the same account, for reconciliation (balances only): the trading key has
    # one reader, execute_order. Without it a testnet or live account is synced but not compared.
    readonly_secret_id: str | None = Field(default=None, pattern=SECRET_ID_PATTERN)
    base_url: str | None = Field(default=None, max_length=200)
    # Absent: the deployment's execution limits (the execution_risk_limits setting) apply.
    risk_limits: ExecutionRiskLimits | None = None
    enabled: bool = True

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        # A key is sent there: https only, except to this machine (the local simulators).
        if value is None:
            return None
        parts = urlsplit(value)
        loopback = parts.scheme == "http" and parts.hostname in _LOOPBACK
        if not (parts.scheme == "https" or loopback) or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("must be an https:// URL (http:// only to 127.0.0.1 or localhost), with no query")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _key_when_trading(self) -> Self:
        if self.mode != "paper" and self.secret_id is None:
            raise ValueError(f"a {self.mode} account needs secret_id (the Secrets Manager secret of its key)")
        return self


class Account(AccountSettings):
    """An account as stored: its settings under its id, and when they last changed."""

    account: str = Field(pattern=ACCOUNT_PATTERN)
    updated_at: str


def trading_secret_prefix(stage: str) -> str:
    """Account keys are secrets named ``fks-trading-<stage>-<name>``: the only ones
    ``execute_order`` may read besides the deployment's own ``fks-trading-<stage>``."""
    return f"fks-trading-{stage}"


def readonly_secret_prefix(stage: str) -> str:
    """Read-only keys for reconciliation are secrets named ``fks-exchange-readonly-<stage>-<name>``."""
    return f"fks-exchange-readonly-{stage}"


def secret_readable(secret_id: str, prefix: str) -> bool:
    """Whether ``secret_id`` (a name or an ARN) is ``prefix`` or ``prefix-<name>``: the secrets the
    functions' policies let them read."""
    name = secret_id.split(":secret:", 1)[1] if ":secret:" in secret_id else secret_id
    return name == prefix or name.startswith(f"{prefix}-")


# What a signal or a view names when it means "the account this deployment trades" (FKS_ACCOUNT),
# and the venue execute_order trades that account on (its Binance client), by ccxt's id.
DEFAULT_ACCOUNT = "default"
ENGINE_VENUE = "binance"


def engine_account(named: str, own: str) -> str:
    """The engine's account for a signal's account name: ``default`` is the deployment's own."""
    return own if named == DEFAULT_ACCOUNT else named
