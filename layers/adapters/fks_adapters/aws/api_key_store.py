"""API keys in DynamoDB, and their twin API Gateway keys that the usage plan counts against."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fks.auth.api_keys import ApiKey, IssuedKey, issue_key
from fks.auth.principal import Scope, parse_scopes
from fks.errors import Conflict, NotFound
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_dynamodb import DynamoDBClient


def _item(key: ApiKey) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key_id": {"S": key.key_id},
        "name": {"S": key.name},
        "secret_hash": {"S": key.secret_hash},
        "scopes": {"SS": sorted(s.value for s in key.scopes)},
        "created_at": {"S": key.created_at},
        "revoked": {"BOOL": key.revoked},
    }
    if key.usage_key:
        item["usage_key"] = {"S": key.usage_key}
    return item


def _key(item: dict[str, Any]) -> ApiKey:
    return ApiKey(
        key_id=item["key_id"]["S"],
        name=item["name"]["S"],
        secret_hash=item["secret_hash"]["S"],
        scopes=parse_scopes(item["scopes"]["SS"]),
        created_at=item["created_at"]["S"],
        revoked=item.get("revoked", {}).get("BOOL", False),
        usage_key=item.get("usage_key", {}).get("S"),
    )


class ApiKeyStore:
    def __init__(self, table: str, dynamodb: DynamoDBClient | None = None) -> None:
        self.table = table
        self._dynamodb = dynamodb or aws_client("dynamodb")

    def put_new(self, key: ApiKey) -> None:
        try:
            self._dynamodb.put_item(
                TableName=self.table, Item=_item(key), ConditionExpression="attribute_not_exists(key_id)"
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException as exc:
            raise Conflict(f"key {key.key_id} exists") from exc

    def get(self, key_id: str) -> ApiKey | None:
        item = self._dynamodb.get_item(TableName=self.table, Key={"key_id": {"S": key_id}}, ConsistentRead=True)
        return _key(item["Item"]) if "Item" in item else None

    def revoke(self, key_id: str) -> None:
        try:
            self._dynamodb.update_item(
                TableName=self.table,
                Key={"key_id": {"S": key_id}},
                UpdateExpression="SET revoked = :true",
                ConditionExpression="attribute_exists(key_id)",
                ExpressionAttributeValues={":true": {"BOOL": True}},
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException as exc:
            raise NotFound(f"no key {key_id}") from exc

    def list(self) -> list[ApiKey]:
        keys: list[ApiKey] = []
        for page in self._dynamodb.get_paginator("scan").paginate(TableName=self.table):
            keys.extend(_key(item) for item in page["Items"])
        return sorted(keys, key=lambda k: k.created_at)


class UsagePlanKeys:
    """Each FKS key gets an API Gateway key in the usage plan; the authorizer hands its value back
    as ``usageIdentifierKey``, so API Gateway throttles and counts quota per FKS key."""

    def __init__(self, usage_plan_id: str, apigateway: APIGatewayClient | None = None) -> None:
        self.usage_plan_id = usage_plan_id
        self._apigateway = apigateway or aws_client("apigateway")

    def create(self, key_id: str) -> str:
        created = self._apigateway.create_api_key(name=f"fks-{key_id}", enabled=True)
        self._apigateway.create_usage_plan_key(usagePlanId=self.usage_plan_id, keyId=created["id"], keyType="API_KEY")
        return str(created["value"])

    def disable(self, key_id: str) -> None:
        for page in self._apigateway.get_paginator("get_api_keys").paginate(nameQuery=f"fks-{key_id}"):
            for item in page["items"]:
                self._apigateway.update_api_key(
                    apiKey=item["id"], patchOperations=[{"op": "replace", "path": "/enabled", "value": "false"}]
                )

    def flush_authorizer_caches(self) -> list[str]:
        """Forget the authorizer decisions API Gateway keeps (``ReauthorizeEvery``) on every stage
        the plan covers, so a revoked credential is refused on its next call rather than within
        the cache's TTL; returns the stages flushed (``api_id/stage``)."""
        plan = self._apigateway.get_usage_plan(usagePlanId=self.usage_plan_id)
        flushed = []
        for stage in plan.get("apiStages", []):
            self._apigateway.flush_stage_authorizers_cache(restApiId=stage["apiId"], stageName=stage["stage"])
            flushed.append(f"{stage['apiId']}/{stage['stage']}")
        return flushed


def create_key(store: ApiKeyStore, usage_plan: UsagePlanKeys | None, name: str, scopes: frozenset[Scope]) -> IssuedKey:
    """Issue a key, give it its usage-plan twin, store its hash; returns the one-time secret."""
    issued = issue_key(name, scopes, datetime.now(UTC).isoformat(timespec="seconds"))
    usage_key = usage_plan.create(issued.key.key_id) if usage_plan else None
    key = replace(issued.key, usage_key=usage_key)
    store.put_new(key)
    return IssuedKey(key, issued.presented)


def revoke_key(store: ApiKeyStore, usage_plan: UsagePlanKeys | None, key_id: str) -> list[str]:
    """Revoke a key at once: marked revoked (the authorizer refuses it), its usage-plan twin
    disabled, and the stages' authorizer caches flushed, since a decision cached before the
    revocation would otherwise let it through until the TTL ends. Returns the stages flushed."""
    store.revoke(key_id)
    if not usage_plan:
        return []
    usage_plan.disable(key_id)
    return usage_plan.flush_authorizer_caches()
