"""Trading accounts in DynamoDB (AccountsTable) and the venue each routes orders to."""

from fks_adapters.accounts.store import AccountStore

__all__ = ["AccountStore"]
