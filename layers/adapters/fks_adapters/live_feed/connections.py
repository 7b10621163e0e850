"""WebSocket connections and their subscriptions, in DynamoDB (LiveFeedConnectionsTable).

Hash key ``connection_id``, range key ``item``: one ``connection`` item per open connection and
one ``feed#<exchange>:<symbol>#<timeframe>`` (or ``feed#topic#<name>``) item per subscription,
which alone carries ``feed``. The sparse ``by-feed`` index on ``feed`` finds a feed's subscribers
with one query, however many connections exist. Every item expires (TTL ``expires_at``) a little after the longest a
connection can live (API Gateway closes it at two hours), so a ``$disconnect`` that never came
leaves nothing behind for long.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fks.errors import BadRequest, NotFound
from fks.live_topics import Topic
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from fks.live_feed import Feed  # for types only: it brings pandas, which the record pushes need not

    # A candle feed (symbol + timeframe) or a record topic: either is one subscription item.
    Subscription = Feed | Topic

CONNECTION_ITEM = "connection"
FEED_INDEX = "by-feed"
# API Gateway's maximum connection duration (2 h) plus slack for a late $disconnect.
CONNECTION_TTL_S = 3 * 3600
MAX_SUBSCRIPTIONS = 50
_BATCH_WRITE_LIMIT = 25


def subscription_item(feed: Subscription) -> str:
    return f"feed#{feed.key}"


class ConnectionStore:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self._client = client or aws_client("dynamodb")

    def open(self, connection_id: str, *, principal: str, kind: str, now_s: int) -> None:
        self._client.put_item(
            TableName=self.table,
            Item={
                "connection_id": {"S": connection_id},
                "item": {"S": CONNECTION_ITEM},
                "principal": {"S": principal},
                "kind": {"S": kind},
                "connected_at": {"N": str(now_s)},
                "expires_at": {"N": str(now_s + CONNECTION_TTL_S)},
            },
        )

    def subscribe(self, connection_id: str, feed: Subscription) -> bool:
        """Add the subscription; False when the connection already had it."""
        items = self._items(connection_id)
        connection = next((i for i in items if i["item"]["S"] == CONNECTION_ITEM), None)
        if connection is None:
            raise NotFound(f"connection {connection_id} is not open (expired?): reconnect")
        subscriptions = {i["item"]["S"] for i in items} - {CONNECTION_ITEM}
        if subscription_item(feed) in subscriptions:
            return False
        if len(subscriptions) >= MAX_SUBSCRIPTIONS:
            raise BadRequest(
                f"a connection holds at most {MAX_SUBSCRIPTIONS} subscriptions: unsubscribe from one first",
                details={"subscriptions": len(subscriptions)},
            )
        self._client.put_item(
            TableName=self.table,
            Item={
                "connection_id": {"S": connection_id},
                "item": {"S": subscription_item(feed)},
                "feed": {"S": feed.key},
                "expires_at": connection["expires_at"],  # a subscription never outlives its connection
            },
        )
        return True

    def unsubscribe(self, connection_id: str, feed: Subscription) -> None:
        try:
            self._client.delete_item(
                TableName=self.table,
                Key={"connection_id": {"S": connection_id}, "item": {"S": subscription_item(feed)}},
                ConditionExpression="attribute_exists(connection_id)",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            what = feed.describe() if isinstance(feed, Topic) else f"{feed.symbol} {feed.timeframe.value}"
            raise NotFound(f"not subscribed to {what}", details=feed.as_dict()) from None

    def subscriptions(self, connection_id: str) -> list[str]:
        """The feed keys this connection is subscribed to."""
        return sorted(i["feed"]["S"] for i in self._items(connection_id) if "feed" in i)

    def is_open(self, connection_id: str) -> bool:
        return any(i["item"]["S"] == CONNECTION_ITEM for i in self._items(connection_id))

    def subscribers(self, feed: Subscription) -> list[str]:
        """Every connection subscribed to ``feed``, through the by-feed index."""
        found: list[str] = []
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table,
            IndexName=FEED_INDEX,
            KeyConditionExpression="feed = :feed",
            ExpressionAttributeValues={":feed": {"S": feed.key}},
        )
        for page in pages:
            found.extend(item["connection_id"]["S"] for item in page.get("Items", []))
        return found

    def close(self, connection_id: str) -> int:
        """Delete the connection and its subscriptions; returns how many items went."""
        keys = [{"connection_id": i["connection_id"], "item": i["item"]} for i in self._items(connection_id)]
        for start in range(0, len(keys), _BATCH_WRITE_LIMIT):
            requests: list[Any] = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + _BATCH_WRITE_LIMIT]]
            pending: dict[str, Any] = {self.table: requests}
            while pending:  # DynamoDB may leave some unprocessed under load: send them again
                pending = dict(self._client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {})
        return len(keys)

    def _items(self, connection_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table,
            KeyConditionExpression="connection_id = :id",
            ExpressionAttributeValues={":id": {"S": connection_id}},
            ConsistentRead=True,
        )
        for page in pages:
            items.extend(page.get("Items", []))
        return items
