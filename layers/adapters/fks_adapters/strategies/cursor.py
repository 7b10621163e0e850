"""The last bar each strategy was evaluated on, beside its signals in the signals table.

Key: ``pk = strategy#<strategy id>``, ``sk = cursor#<symbol>#<timeframe>`` (a changed timeframe
starts a new cursor: the old one counts bars of another length). The cursor only moves forward
and only from the value the run read (a conditional update), so of two overlapping runs one
advances it and the other learns it raced; the bars both evaluated produced the same signal ids,
which the recorder's conditional put keeps once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from fks.strategies.configs import StrategyConfig
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


def cursor_key(config: StrategyConfig) -> dict[str, AttributeValueTypeDef]:
    return {
        "pk": {"S": f"strategy#{config.strategy_id}"},
        "sk": {"S": f"cursor#{config.symbol}#{config.timeframe.value}"},
    }


class EvaluationCursor:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self._db = client or aws_client("dynamodb")

    def get(self, config: StrategyConfig) -> int | None:
        """Open time of the last bar evaluated, or None if the strategy was never evaluated."""
        item = self._db.get_item(TableName=self.table, Key=cursor_key(config), ConsistentRead=True).get("Item")
        return int(item["bar_time"]["N"]) if item else None

    def advance(self, config: StrategyConfig, previous: int | None, bar_time: int, now_ms: int) -> bool:
        """Move the cursor from ``previous`` to ``bar_time``; False when another run moved it first."""
        condition = "attribute_not_exists(pk)" if previous is None else "bar_time = :previous"
        values: dict[str, AttributeValueTypeDef] = {":bar": {"N": str(bar_time)}, ":now": {"N": str(now_ms)}}
        if previous is not None:
            values[":previous"] = {"N": str(previous)}
        try:
            self._db.update_item(
                TableName=self.table,
                Key=cursor_key(config),
                UpdateExpression="SET bar_time = :bar, updated_ms = :now",
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
