"""The accounts table (AccountsTable, hash key ``account``): one item per trading account.

Attributes are plain strings so the Rust engine reads the same item (the contract in
``fks.accounts``): ``venue``, ``mode``, ``secret_id``, ``base_url``, ``risk_limits`` (the engine's
``RiskLimits`` JSON; absent: the deployment's limits), ``enabled``, ``updated_at``. ``put``
replaces the whole item, so repeating a PUT stores the same account (idempotent); it reports
whether the account is new.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fks.accounts import Account, AccountSettings
from fks.errors import NotFound
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class AccountStore:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self._client = client or aws_client("dynamodb")

    def put(self, account: str, settings: AccountSettings) -> tuple[Account, bool]:
        stored = Account(account=account, updated_at=_now(), **settings.model_dump())
        old = self._client.put_item(TableName=self.table, Item=_item(stored), ReturnValues="ALL_OLD")
        return stored, "Attributes" not in old

    def get(self, account: str) -> Account | None:
        item = self._client.get_item(TableName=self.table, Key={"account": {"S": account}}, ConsistentRead=True).get(
            "Item"
        )
        return _account(item) if item else None

    def require(self, account: str) -> Account:
        found = self.get(account)
        if found is None:
            raise NotFound(
                f"account {account!r} is not configured: PUT /accounts/{account}", details={"account": account}
            )
        return found

    def list_accounts(self) -> list[Account]:
        # A scan is right here: a deployment has a handful of accounts.
        accounts: list[Account] = []
        for page in self._client.get_paginator("scan").paginate(TableName=self.table, ConsistentRead=True):
            accounts.extend(_account(item) for item in page.get("Items", []))
        return sorted(accounts, key=lambda a: a.account)


def _item(account: Account) -> dict[str, Any]:
    item: dict[str, Any] = {
        "account": {"S": account.account},
        "venue": {"S": account.venue},
        "mode": {"S": account.mode},
        "enabled": {"BOOL": account.enabled},
        "updated_at": {"S": account.updated_at},
    }
    if account.secret_id is not None:
        item["secret_id"] = {"S": account.secret_id}
    if account.base_url is not None:
        item["base_url"] = {"S": account.base_url}
    if account.readonly_secret_id is not None:
        item["readonly_secret_id"] = {"S": account.readonly_secret_id}
    if account.risk_limits is not None:
        item["risk_limits"] = {"S": account.risk_limits.model_dump_json(exclude_none=True)}
    return item


def _account(item: dict[str, Any]) -> Account:
    return Account(
        account=item["account"]["S"],
        venue=item["venue"]["S"],
        mode=item["mode"]["S"],
        secret_id=item["secret_id"]["S"] if "secret_id" in item else None,
        base_url=item["base_url"]["S"] if "base_url" in item else None,
        readonly_secret_id=item["readonly_secret_id"]["S"] if "readonly_secret_id" in item else None,
        risk_limits=json.loads(item["risk_limits"]["S"]) if "risk_limits" in item else None,
        enabled=item["enabled"]["BOOL"],
        updated_at=item["updated_at"]["S"],
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
