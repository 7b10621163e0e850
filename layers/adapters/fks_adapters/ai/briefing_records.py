"""A signal's briefing on its record in the signals table: which records of a stream batch are new
signals, and the conditional write that attaches a briefing once."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.invocations import StreamBatch
from fks_adapters.aws.lazy import aws_client
from fks_adapters.pipeline.signal_history import STATUS_SK, signal_pk

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class BriefingWriter:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self.client: DynamoDBClient = client or aws_client("dynamodb")

    def attach(self, signal_id: str, briefing: dict[str, Any]) -> bool:
        """Store the briefing on the signal's record; False when it already has one."""
        try:
            self.client.update_item(
                TableName=self.table,
                Key={"pk": {"S": signal_pk(signal_id)}, "sk": {"S": STATUS_SK}},
                UpdateExpression="SET briefing = :b",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(briefing)",
                ExpressionAttributeValues={":b": {"S": json.dumps(briefing)}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


def new_signals(batch: StreamBatch) -> list[dict[str, Any]]:
    """The signals whose first record this batch inserts (their payload, as validate_signal stored it)."""
    found = []
    for record in batch.records:
        image = record.dynamodb.new_image or {}
        if record.event_name != "INSERT" or image.get("sk", {}).get("S") != STATUS_SK or "briefing" in image:
            continue
        payload = image.get("signal", {}).get("S")
        if payload:
            found.append(json.loads(payload))
    return found
