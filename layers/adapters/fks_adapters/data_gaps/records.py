"""The gap scan's last word per series, in DynamoDB: what is still missing and since when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fks.data_gaps import GapState
from fks.market_data.timeframes import parse_timeframe
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class GapRecords:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self._client = client or aws_client("dynamodb")

    def put(self, state: GapState) -> None:
        item: dict[str, Any] = {
            "series": {"S": state.series},
            "timeframe": {"S": state.timeframe.value},
            "missing": {"N": str(state.missing)},
            "gaps": {"N": str(state.gaps)},
            "scanned_ms": {"N": str(state.scanned_ms)},
        }
        if state.oldest_gap_ms is not None:
            item["oldest_gap_ms"] = {"N": str(state.oldest_gap_ms)}
        self._client.put_item(TableName=self.table, Item=item)

    def delete(self, series: str) -> None:
        self._client.delete_item(TableName=self.table, Key={"series": {"S": series}})

    def all(self) -> list[GapState]:
        states = []
        for page in self._client.get_paginator("scan").paginate(TableName=self.table, ConsistentRead=True):
            for item in page.get("Items", []):
                oldest = item.get("oldest_gap_ms", {}).get("N")
                states.append(
                    GapState(
                        series=item["series"]["S"],
                        timeframe=parse_timeframe(item["timeframe"]["S"]),
                        missing=int(item["missing"]["N"]),
                        gaps=int(item["gaps"]["N"]),
                        oldest_gap_ms=int(oldest) if oldest is not None else None,
                        scanned_ms=int(item["scanned_ms"]["N"]),
                    )
                )
        return sorted(states, key=lambda state: state.series)
