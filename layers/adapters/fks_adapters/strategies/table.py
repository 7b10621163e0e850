"""Strategy configurations in the StrategiesTable, one item per strategy id.

The configuration is stored as its JSON text beside the key and the ``active`` flag: DynamoDB
numbers are Decimal and floats are refused, and a parameter's type (int 10 vs float 10.0) must
come back as it went in. Every write is conditional, so a create never overwrites and an update
or delete never resurrects an item another request removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from fks.errors import Conflict, NotFound
from fks.strategies.configs import StrategyConfig
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


class StrategyTable:
    def __init__(self, table: str, client: DynamoDBClient | None = None) -> None:
        self.table = table
        self._db = client or aws_client("dynamodb")

    def create(self, config: StrategyConfig) -> StrategyConfig:
        try:
            self._put(config, "attribute_not_exists(pk)")
        except _ConditionFailed:
            raise Conflict(
                f"strategy {config.strategy_id!r} already exists", details={"strategy_id": config.strategy_id}
            ) from None
        return config

    def replace(self, config: StrategyConfig) -> StrategyConfig:
        try:
            self._put(config, "attribute_exists(pk)")
        except _ConditionFailed:
            raise _not_found(config.strategy_id) from None
        return config

    def get(self, strategy_id: str) -> StrategyConfig:
        item = self._db.get_item(TableName=self.table, Key={"pk": {"S": strategy_id}}, ConsistentRead=True).get("Item")
        if item is None:
            raise _not_found(strategy_id)
        return StrategyConfig.model_validate_json(item["config"]["S"])

    def delete(self, strategy_id: str) -> None:
        try:
            self._db.delete_item(
                TableName=self.table, Key={"pk": {"S": strategy_id}}, ConditionExpression="attribute_exists(pk)"
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise _not_found(strategy_id) from None
            raise

    def list(self, *, active_only: bool = False) -> list[StrategyConfig]:
        configs: list[StrategyConfig] = []
        for page in self._db.get_paginator("scan").paginate(TableName=self.table):
            configs += [StrategyConfig.model_validate_json(item["config"]["S"]) for item in page["Items"]]
        if active_only:
            configs = [config for config in configs if config.active]
        return sorted(configs, key=lambda config: config.strategy_id)

    def _put(self, config: StrategyConfig, condition: str) -> None:
        item: dict[str, AttributeValueTypeDef] = {
            "pk": {"S": config.strategy_id},
            "config": {"S": config.model_dump_json()},
            "active": {"BOOL": config.active},
        }
        try:
            self._db.put_item(TableName=self.table, Item=item, ConditionExpression=condition)
        except ClientError as error:
            if _is_condition_failure(error):
                raise _ConditionFailed from error
            raise


class _ConditionFailed(Exception):
    pass


def _is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _not_found(strategy_id: str) -> NotFound:
    return NotFound(f"no strategy {strategy_id!r}", details={"strategy_id": strategy_id})
