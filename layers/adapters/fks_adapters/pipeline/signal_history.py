"""Where each signal stands, one item per signal in the signals table.

Key ``pk = SIGNAL#<signal id>``, ``sk = STATUS`` (other ``SIGNAL#`` items, e.g. the NinjaTrader
bridge's refusal, sit beside it). The record is written first where the signal is made
(``recorded``, or ``stale``), then by each pipeline state, in one status vocabulary
(``fks.pipeline.outcomes.SignalStatus``). Two indexes list signals: ``ByDay`` (``day``, ``created_ms``)
for "today's signals" and ``ByStatus`` (``status``, ``updated_ms``) for "pending approval". A
terminal status is final: the conditional update refuses to move a signal out of it, so a
late approval or a retried state cannot rewrite what happened.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.errors import BadRequest
from fks.pipeline.outcomes import TERMINAL, SignalStatus
from fks_adapters.aws.lazy import aws_client, dynamodb_deserializer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

STATUS_SK = "STATUS"
_JSON_FIELDS = frozenset({"signal", "order", "report", "checks", "approval", "portfolio", "briefing"})


def signal_pk(signal_id: str) -> str:
    return f"SIGNAL#{signal_id}"


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


def _attribute(value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, dict | list):
        return {"S": json.dumps(value, default=str)}
    return {"S": str(value)}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, raw in item.items():
        value = dynamodb_deserializer().deserialize(raw)
        if name in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else str(value)
        record[name] = value
    for key in ("pk", "sk", "task_token"):  # the token resumes the execution: never shown to readers
        record.pop(key, None)
    return record


class SignalHistory:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self.client: DynamoDBClient = client or aws_client("dynamodb")

    def create(self, signal_id: str, status: SignalStatus, now_ms: int, **fields: object) -> bool:
        """Store the signal's record unless it exists; False when it already did (nothing changed)."""
        return self._write(signal_id, status, now_ms, fields, only_new=True)

    def record(self, signal_id: str, status: SignalStatus, now_ms: int, **fields: object) -> bool:
        """Set the signal's status (and fields); False when it already ended and nothing changed."""
        return self._write(signal_id, status, now_ms, fields, only_new=False)

    def _write(
        self, signal_id: str, status: SignalStatus, now_ms: int, fields: dict[str, object], *, only_new: bool
    ) -> bool:
        names = {"#status": "status", "#day": "day"}
        values: dict[str, Any] = {
            ":status": {"S": status.value},
            ":now": {"N": str(now_ms)},
            ":day": {"S": _day(now_ms)},
            ":id": {"S": signal_id},
        }
        sets = [
            "#status = :status",
            "signal_id = :id",
            "updated_ms = :now",
            # The day and creation time are the first record's, so "today's signals" stay put.
            "created_ms = if_not_exists(created_ms, :now)",
            "#day = if_not_exists(#day, :day)",
        ]
        for index, (name, value) in enumerate(sorted(fields.items())):
            if value is None:
                continue
            names[f"#f{index}"] = name
            values[f":f{index}"] = _attribute(value)
            sets.append(f"#f{index} = :f{index}")
        if only_new:
            condition = "attribute_not_exists(pk)"
        else:
            terminal = {f":t{i}": {"S": s.value} for i, s in enumerate(sorted(TERMINAL))}
            values.update(terminal)
            condition = f"attribute_not_exists(pk) OR NOT (#status IN ({', '.join(terminal)}))"
        try:
            self.client.update_item(
                TableName=self.table,
                Key={"pk": {"S": signal_pk(signal_id)}, "sk": {"S": STATUS_SK}},
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _item(self, signal_id: str) -> dict[str, Any] | None:
        answer = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": signal_pk(signal_id)}, "sk": {"S": STATUS_SK}},
            ConsistentRead=True,
        )
        return answer.get("Item")

    def raw(self, signal_id: str) -> dict[str, Any] | None:
        """The item with its task token, for the approval API alone."""
        item = self._item(signal_id)
        return {name: dynamodb_deserializer().deserialize(value) for name, value in item.items()} if item else None

    def get(self, signal_id: str) -> dict[str, Any] | None:
        item = self._item(signal_id)
        return _plain(item) if item else None

    def list(
        self,
        *,
        status: SignalStatus | None = None,
        day: str | None = None,
        limit: int = 50,
        next_token: str | None = None,
        filters: SignalFilters | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first: by status when given, else by day (today when not given).

        ``filters`` narrow the page on the server (DynamoDB applies ``Limit`` before a filter, so a
        page can be short, even empty, and still carry a ``next_token``)."""
        filters = filters or SignalFilters()
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        if status is not None:
            index, key_name, key_value = "ByStatus", "status", status.value  # sorted by updated_ms
        else:
            index, key_name, key_value = "ByDay", "day", day or _day(_now_ms())  # sorted by created_ms
        names["#k"], values[":k"] = key_name, {"S": key_value}
        key_condition = "#k = :k"
        conditions: list[str] = []
        if filters.since_ms is not None:
            names["#u"], values[":since"] = "updated_ms", {"N": str(filters.since_ms)}
            # updated_ms is ByStatus's sort key: there the bound narrows the read, not only the page.
            if status is not None:
                key_condition += " AND #u >= :since"
            else:
                conditions.append("#u >= :since")
        for field, value in filters.equalities():
            names[f"#{field}"], values[f":{field}"] = field, {"S": value}
            conditions.append(f"#{field} = :{field}")
        query: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": index,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if conditions:
            query["FilterExpression"] = " AND ".join(conditions)
        if next_token:
            query["ExclusiveStartKey"] = _decode_token(next_token)
        answer = self.client.query(**query)
        last = answer.get("LastEvaluatedKey")
        token = base64.urlsafe_b64encode(json.dumps(last).encode()).decode() if last else None
        return [_plain(item) for item in answer.get("Items", [])], token


@dataclass(frozen=True)
class SignalFilters:
    """What a reader (a NinjaScript on a chart, the dashboard) narrows the list to: the fields
    validate_signal records on every signal, and the time of its last change."""

    asset_class: str | None = None
    symbol: str | None = None
    account: str | None = None
    since_ms: int | None = None

    def equalities(self) -> list[tuple[str, str]]:
        fields = (("asset_class", self.asset_class), ("symbol", self.symbol), ("account", self.account))
        return [(name, value) for name, value in fields if value is not None]


def _decode_token(token: str) -> dict[str, Any]:
    try:
        decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, json.JSONDecodeError):
        raise BadRequest("next_token is not one this API returned") from None
    return decoded


def _now_ms() -> int:
    return int(datetime.now(tz=UTC).timestamp() * 1000)
