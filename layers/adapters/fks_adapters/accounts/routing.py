"""Which venue an account's orders go to, and which account a view means: the accounts table says,
when the deployment has one.

An account the table does not hold (or a deployment without the table) keeps the order command
without a venue, which the engine reads as its configured venue (Binance): the single-account
stacks deployed before accounts existed route as they did. A disabled account takes no orders.
"""

from __future__ import annotations

from fks.accounts import DEFAULT_ACCOUNT, ENGINE_VENUE
from fks.errors import NotFound, RiskDenied
from fks.execution import Venue
from fks_adapters.accounts.store import AccountStore


class AccountRouting:
    """The deployment's own account (``FKS_ACCOUNT``) and the accounts table, if it has one."""

    def __init__(self, own_account: str, store: AccountStore | None) -> None:
        self.own_account = own_account
        self.store = store

    def venue_for_orders(self, account: str) -> Venue | None:
        """The venue ``account``'s orders carry, or None (the engine's configured venue);
        ``RiskDenied`` (rule ``account_disabled``) when the account is disabled."""
        configured = self.store.get(account) if self.store is not None else None
        if configured is None:
            return None
        if not configured.enabled:
            raise RiskDenied(
                f"account {account} is disabled: enable it with PUT /accounts/{account}",
                details={"rule": "account_disabled", "account": account},
            )
        return configured.venue

    def accounts_to_sync(self) -> list[tuple[str, Venue | None]]:
        """Every account whose orders the scheduled sync follows, with its venue: the deployment's
        own account first (as before accounts existed), then each enabled account of the table. A
        disabled account is still synced while it is the default: its working orders go on filling."""
        listed = self.store.list_accounts() if self.store is not None else []
        venues: dict[str, Venue] = {account.account: account.venue for account in listed}
        ordered: list[tuple[str, Venue | None]] = [(self.own_account, venues.get(self.own_account))]
        ordered += [(a.account, a.venue) for a in listed if a.enabled and a.account != self.own_account]
        return ordered

    def viewed_account(self, named: str) -> tuple[str, str]:
        """The engine account a view or an operator names, with the venue its prices come from:
        ``default`` (or the deployment's own account by name) is the deployment's account on the
        engine's venue; any other must be in the accounts table (``NotFound`` naming it otherwise),
        on its venue."""
        own = self.own_account
        configured = self.store.get(own if named == DEFAULT_ACCOUNT else named) if self.store is not None else None
        if configured is not None:
            return configured.account, configured.venue
        if named in (DEFAULT_ACCOUNT, own):
            return own, ENGINE_VENUE
        raise NotFound(
            f"account {named!r} is neither the deployment's ({own}) nor in the accounts table: PUT /accounts/{named}",
            details={"account": named},
        )
