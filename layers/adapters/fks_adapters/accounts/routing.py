"""Which venue an account's orders go to: the accounts table says, when the deployment has one.

An account the table does not hold (or a deployment without the table) keeps the order command
without a venue, which the engine reads as its configured venue (Binance): the single-account
stacks deployed before accounts existed route as they did. A disabled account takes no orders.
"""

from __future__ import annotations

from fks import env
from fks.errors import NotFound, RiskDenied
from fks.execution import Venue
from fks_adapters.accounts.store import AccountStore


def account_store() -> AccountStore | None:
    table = env.get(env.ACCOUNTS_TABLE)
    return AccountStore(table) if table else None


def venue_for_orders(account: str, store: AccountStore | None = None) -> Venue | None:
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


def accounts_to_sync(default_account: str, store: AccountStore | None = None) -> list[tuple[str, Venue | None]]:
    """Every account whose orders the scheduled sync follows, with its venue: the deployment's
    own account first (as before accounts existed), then each enabled account of the table. A
    disabled account is still synced while it is the default: its working orders go on filling."""
    accounts = store or account_store()
    listed = accounts.list_accounts() if accounts is not None else []
    venues: dict[str, Venue] = {account.account: account.venue for account in listed}
    ordered: list[tuple[str, Venue | None]] = [(default_account, venues.get(default_account))]
    ordered += [(a.account, a.venue) for a in listed if a.enabled and a.account != default_account]
    return ordered


def viewed_account(named: str, store: AccountStore | None = None) -> tuple[str, str]:
    """The engine account a view or an operator names, with the venue its prices come from:
    ``default`` (or the deployment's own account by name) is the deployment's account on the
    engine's venue; any other must be in the accounts table (``NotFound`` naming it otherwise),
    on its venue."""
    from fks_adapters.pipeline import wiring

    own = wiring.trading_account()
    accounts = store or account_store()
    configured = accounts.get(own if named == "default" else named) if accounts is not None else None
    if configured is not None:
        return configured.account, configured.venue
    if named in ("default", own):
        return own, wiring.TRADING_EXCHANGE
    raise NotFound(
        f"account {named!r} is neither the deployment's ({own}) nor in the accounts table: PUT /accounts/{named}",
        details={"account": named},
    )
