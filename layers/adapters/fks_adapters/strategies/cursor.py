"""The last bar each strategy was evaluated on, beside its signals in the signals table.

Key: ``pk = strategy#<strategy id>``, ``sk = cursor#<symbol>#<timeframe>`` (a changed timeframe
starts a new cursor: the old one counts bars of another length). The cursor only moves forward
and only from the value the run read (a conditional update), so of two overlapping runs one
advances it and the other learns it raced; the bars both evaluated produced the same signal ids,
which the recorder's conditional put keeps once.

Beside the bar it keeps what the strategy wanted after that bar (``fks.strategies.scheduled``):
``held`` the target level and ``held_quantity`` the signed base units it was sized to, since the
evaluation window cannot see a position opened before it and an exit sells what the entry
bought. All move in the one conditional update, so a run that raced writes none, and the held
position always belongs to the bar next to it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from fks.strategies.configs import StrategyConfig
from fks.strategies.live_sizing import Holding
from fks.strategies.scheduled import EvaluatedUpTo
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
        state = self.read(config)
        return None if state is None else state.bar_time

    def read(self, config: StrategyConfig) -> EvaluatedUpTo | None:
        """The last bar evaluated and the target held after it, or None if never evaluated."""
        item = self._db.get_item(TableName=self.table, Key=cursor_key(config), ConsistentRead=True).get("Item")
        if not item:
            return None
        level, quantity = item.get("held"), item.get("held_quantity")
        held = Holding(Decimal(level["N"]), Decimal(quantity["N"])) if level and quantity else None
        return EvaluatedUpTo(int(item["bar_time"]["N"]), held)

    def advance(
        self, config: StrategyConfig, previous: int | None, bar_time: int, now_ms: int, held: Holding | None = None
    ) -> bool:
        """Move the cursor from ``previous`` to ``bar_time`` (with the position ``held`` after it);
        False when another run moved it first."""
        condition = "attribute_not_exists(pk)" if previous is None else "bar_time = :previous"
        values: dict[str, AttributeValueTypeDef] = {":bar": {"N": str(bar_time)}, ":now": {"N": str(now_ms)}}
        update = "SET bar_time = :bar, updated_ms = :now"
        if held is not None:
            update += ", held = :held, held_quantity = :held_quantity"
            values[":held"] = {"N": str(held.level)}
            values[":held_quantity"] = {"N": str(held.quantity)}
        if previous is not None:
            values[":previous"] = {"N": str(previous)}
        try:
            self._db.update_item(
                TableName=self.table,
                Key=cursor_key(config),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
