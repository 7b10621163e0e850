"""The registry of assets to collect, in DynamoDB (AssetsTable, hash key ``pk``).

One item per (exchange, symbol): ``pk = asset#<exchange>#<symbol>``. Enabling and disabling are
conditional writes, so two callers racing cannot both believe they started collection (and both
start a history backfill): only the call that flips ``enabled`` from absent/false to true wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.errors import NotFound
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True, slots=True)
class Asset:
    exchange: str
    symbol: str
    timeframe: Timeframe
    enabled: bool
    history_days: int
    updated_at: str

    @property
    def key(self) -> SeriesKey:
        return SeriesKey(self.exchange, self.symbol, self.timeframe)

    def as_dict(self) -> dict[str, Any]:
        return {
            "exchange": self.exchange,
            "symbol": self.symbol,
            "timeframe": self.timeframe.value,
            "enabled": self.enabled,
            "history_days": self.history_days,
            "updated_at": self.updated_at,
        }


def asset_pk(exchange: str, symbol: str) -> str:
    return f"asset#{exchange}#{symbol}"


class AssetRegistry:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self._client = client or aws_client("dynamodb")

    def enable(self, key: SeriesKey, history_days: int) -> tuple[Asset, bool]:
        """Enable collection; returns the asset and whether this call enabled it (False: it already was)."""
        now = _now()
        try:
            attributes = self._client.update_item(
                TableName=self.table,
                Key={"pk": {"S": asset_pk(key.exchange, key.symbol)}},
                UpdateExpression=(
                    "SET exchange = :exchange, symbol = :symbol, timeframe = :timeframe, enabled = :true, "
                    "history_days = :days, updated_at = :now"
                ),
                ConditionExpression="attribute_not_exists(pk) OR enabled = :false",
                ExpressionAttributeValues={
                    ":exchange": {"S": key.exchange},
                    ":symbol": {"S": key.symbol},
                    ":timeframe": {"S": key.timeframe.value},
                    ":true": {"BOOL": True},
                    ":false": {"BOOL": False},
                    ":days": {"N": str(history_days)},
                    ":now": {"S": now},
                },
                ReturnValues="ALL_NEW",
            )["Attributes"]
        except ClientError as error:
            if _condition_failed(error):
                existing = self.get(key.exchange, key.symbol)
                if existing is not None:
                    return existing, False
            raise
        return _asset(attributes), True

    def disable(self, exchange: str, symbol: str) -> Asset:
        """Stop collecting; stored history stays. Unknown assets are a ``NotFound``."""
        try:
            attributes = self._client.update_item(
                TableName=self.table,
                Key={"pk": {"S": asset_pk(exchange, symbol)}},
                UpdateExpression="SET enabled = :false, updated_at = :now",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":false": {"BOOL": False}, ":now": {"S": _now()}},
                ReturnValues="ALL_NEW",
            )["Attributes"]
        except ClientError as error:
            if _condition_failed(error):
                raise NotFound(
                    f"asset {symbol} on {exchange} is not registered; nothing to disable",
                    details={"exchange": exchange, "symbol": symbol},
                ) from None
            raise
        return _asset(attributes)

    def get(self, exchange: str, symbol: str) -> Asset | None:
        item = self._client.get_item(
            TableName=self.table, Key={"pk": {"S": asset_pk(exchange, symbol)}}, ConsistentRead=True
        ).get("Item")
        return _asset(item) if item else None

    def list_assets(self, *, enabled_only: bool = False) -> list[Asset]:
        # A scan is right here: the registry holds tens of assets, read once a minute.
        assets: list[Asset] = []
        for page in self._client.get_paginator("scan").paginate(TableName=self.table, ConsistentRead=True):
            assets.extend(_asset(item) for item in page.get("Items", []) if item["pk"]["S"].startswith("asset#"))
        selected = [asset for asset in assets if asset.enabled or not enabled_only]
        return sorted(selected, key=lambda asset: (asset.exchange, asset.symbol))


def _asset(item: Any) -> Asset:
    return Asset(
        exchange=item["exchange"]["S"],
        symbol=item["symbol"]["S"],
        timeframe=Timeframe(item["timeframe"]["S"]),
        enabled=bool(item["enabled"]["BOOL"]),
        history_days=int(item["history_days"]["N"]),
        updated_at=item["updated_at"]["S"],
    )


def _condition_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
