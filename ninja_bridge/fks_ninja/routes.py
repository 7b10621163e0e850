"""Several bridges, one per NT8 instance: each claims its accounts in the platform's routes table
(the stack's ``NinjaBridgeRoutesTableName``) with its own queue, and the signal pipeline sends an
account's futures signals to the queue of the bridge that claimed it. An account has one bridge:
a second bridge claiming it is refused at start-up, since two bridges on one account would trade
every signal twice. A bridge that stops keeps its claim, so its signals wait in its queue."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from fks.errors import Conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

log = logging.getLogger(__name__)


class AccountRoutedElsewhere(Conflict):
    """Another bridge has claimed the account."""


class BridgeRoutes:
    def __init__(self, dynamodb: DynamoDBClient, table: str, bridge_name: str, queue_url: str) -> None:
        self._dynamodb = dynamodb
        self._table = table
        self._bridge = bridge_name
        self._queue_url = queue_url

    def claim(self, accounts: Iterable[str]) -> None:
        """Route each account (the signals' account key) to this bridge's queue; idempotent."""
        for account in sorted(accounts):
            try:
                self._dynamodb.put_item(
                    TableName=self._table,
                    Item={
                        "account": {"S": account},
                        "bridge": {"S": self._bridge},
                        "queue_url": {"S": self._queue_url},
                        "claimed_ms": {"N": str(int(time.time() * 1000))},
                    },
                    ConditionExpression="attribute_not_exists(account) OR bridge = :me",
                    ExpressionAttributeValues={":me": {"S": self._bridge}},
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
                owner = self.owner(account) or "another bridge"
                raise AccountRoutedElsewhere(
                    f"account {account!r} is routed to bridge {owner!r}: stop that bridge and delete its "
                    f"route in {self._table}, or take the account out of this bridge's config",
                    details={"account": account, "bridge": owner},
                ) from exc
            log.info("account %s routed to bridge %s (%s)", account, self._bridge, self._queue_url)

    def owner(self, account: str) -> str | None:
        item = self._dynamodb.get_item(TableName=self._table, Key={"account": {"S": account}}, ConsistentRead=True).get(
            "Item"
        )
        return None if item is None else item["bridge"]["S"]
