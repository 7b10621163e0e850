"""Records a generated signal once and hands it to the pipeline's queue.

Key: ``pk = strategy#<strategy id>``, ``sk = signal#<symbol>#<timeframe>#<bar open time, 13 digits>``,
so a strategy's signals list in time order with one query, and the conditional put makes the
record idempotent by strategy + symbol + bar time. The item is written ``recorded`` first and
marked ``sent`` after the queue accepted it: a run that dies in between leaves a ``recorded``
item, and the next run sends it again. Sending twice is harmless because the pipeline names its
execution by the signal id.

A signal found while catching up on bars missed during downtime is too old to trade: it is
recorded ``stale`` and never sent, so the history shows what the strategy said and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from botocore.exceptions import ClientError

from fks.signals import Signal
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

Outcome = Literal["sent", "resent", "duplicate", "stale"]


def signal_keys(signal: Signal) -> dict[str, str]:
    return {
        "pk": f"strategy#{signal.strategy_id}",
        "sk": f"signal#{signal.symbol}#{signal.timeframe}#{signal.bar_time:013d}",
    }


class SignalRecorder:
    def __init__(
        self, table: str, queue_url: str, dynamodb: DynamoDBClient | None = None, sqs: SQSClient | None = None
    ) -> None:
        self.table = table
        self.queue_url = queue_url
        self._db = dynamodb or aws_client("dynamodb")
        self._sqs = sqs or aws_client("sqs")

    def record(self, signal: Signal, now_ms: int) -> Outcome:
        key = {name: {"S": value} for name, value in signal_keys(signal).items()}
        if self._put_once(signal, "recorded", now_ms):
            outcome: Outcome = "sent"
        else:
            stored = self._db.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item", {})
            if stored.get("status", {}).get("S") in ("sent", "stale"):  # a stale signal is never traded later
                return "duplicate"
            outcome = "resent"
        self._sqs.send_message(QueueUrl=self.queue_url, MessageBody=signal.model_dump_json())
        self._db.update_item(
            TableName=self.table,
            Key=key,
            UpdateExpression="SET #s = :sent",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":sent": {"S": "sent"}},
        )
        return outcome

    def record_stale(self, signal: Signal, now_ms: int) -> Outcome:
        """Keep a signal too old to act on, without sending it."""
        return "stale" if self._put_once(signal, "stale", now_ms) else "duplicate"

    def _put_once(self, signal: Signal, status: str, now_ms: int) -> bool:
        """Store the signal's item unless it exists; False when it already did."""
        key = {name: {"S": value} for name, value in signal_keys(signal).items()}
        try:
            self._db.put_item(
                TableName=self.table,
                Item={
                    **key,
                    "signal_id": {"S": signal.signal_id},
                    "signal": {"S": signal.model_dump_json()},
                    "status": {"S": status},
                    "created_at": {"N": str(now_ms)},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            return False
        return True
