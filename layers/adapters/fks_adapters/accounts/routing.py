"""Which venue an account's orders go to: the accounts table says, when the deployment has one.

An account the table does not hold (or a deployment without the table) keeps the order command
without a venue, which the engine reads as its configured venue (Binance): the single-account
stacks deployed before accounts existed route as they did. A disabled account takes no orders.
"""

from __future__ import annotations

from fks import env
from fks.errors import RiskDenied
from fks_adapters.accounts.store import AccountStore


def account_store() -> AccountStore | None:
    table = env.get(env.ACCOUNTS_TABLE)
    return AccountStore(table) if table else None


def venue_for_orders(account: str, store: AccountStore | None = None) -> str | None:
    """The venue ``account``'s orders carry, or None (the engine's configured venue);
    ``RiskDenied`` (rule ``account_disabled``) when the account is disabled."""
    accounts = store or account_store()
    configured = accounts.get(account) if accounts is not None else None
    if configured is None:
        return None
    if not configured.enabled:
        raise RiskDenied(
            f"account {account} is disabled: enable it with PUT /accounts/{account}",
            details={"rule": "account_disabled", "account": account},
        )
    return configured.venue
