"""One API Gateway usage-plan key per JWT subject, created on the subject's first request.

API keys have their usage-plan twin from ``fks keys create``; a JWT caller has no key until the
authorizer names one as ``usageIdentifierKey``. Sharing one key among every JWT caller let one
client spend everyone's throttle and quota, so each subject gets its own, in the same usage plan
as the API keys (the plan that holds the bearer-token callers' key, so no template Ref ties the
authorizer to the API it authorizes).

Why a key per subject rather than counting in the authorizer: API Gateway then throttles and
counts the quota itself, answering 429 with ``Retry-After`` exactly as for API keys, with no
counter write on every request; an authorizer can only allow or deny (403), never say "later".

Concurrent first requests of one subject may each create a key; a conditional put in the
JWT-callers table lets one win, and the others delete theirs and use the winner's, so a subject
is only ever counted against one key.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_dynamodb import DynamoDBClient


def subject_id(subject: str) -> str:
    """The table key and key name of a subject: a digest, so no claim text reaches a key name."""
    return hashlib.sha256(subject.encode()).hexdigest()[:32]


class SubjectUsageKeys:
    def __init__(
        self,
        table: str,
        plan_key_name: str,
        key_name_prefix: str,
        dynamodb: DynamoDBClient | None = None,
        apigateway: APIGatewayClient | None = None,
    ) -> None:
        self.table = table
        self.plan_key_name = plan_key_name  # a key already in the usage plan: how the plan is found
        self.key_name_prefix = key_name_prefix
        self._dynamodb = dynamodb or aws_client("dynamodb")
        self._apigateway = apigateway or aws_client("apigateway")
        self._known: dict[str, str] = {}  # per warm instance: one table read per subject
        self._plan_id: str | None = None

    def key_for(self, subject: str) -> str:
        """The usage-plan key value the subject's requests are counted against."""
        sid = subject_id(subject)
        known = self._known.get(sid) or self._stored(sid) or self._create(sid)
        self._known[sid] = known
        return known

    def _stored(self, sid: str) -> str | None:
        item = self._dynamodb.get_item(TableName=self.table, Key={"subject_id": {"S": sid}}, ConsistentRead=True)
        value = item.get("Item", {}).get("usage_key", {}).get("S")
        return str(value) if value else None

    def _create(self, sid: str) -> str:
        created = self._apigateway.create_api_key(name=f"{self.key_name_prefix}{sid}", enabled=True)
        self._apigateway.create_usage_plan_key(usagePlanId=self._usage_plan(), keyId=created["id"], keyType="API_KEY")
        try:
            self._dynamodb.put_item(
                TableName=self.table,
                Item={
                    "subject_id": {"S": sid},
                    "usage_key": {"S": str(created["value"])},
                    "api_key_id": {"S": str(created["id"])},
                },
                ConditionExpression="attribute_not_exists(subject_id)",
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            # Another request of this subject created its key first: use that one, drop ours.
            self._apigateway.delete_api_key(apiKey=created["id"])
            winner = self._stored(sid)
            if winner is None:  # pragma: no cover - the condition failed because the item exists
                raise
            return winner
        return str(created["value"])

    def _usage_plan(self) -> str:
        if self._plan_id is None:
            keys = self._apigateway.get_api_keys(nameQuery=self.plan_key_name)["items"]
            key_id = next(str(k["id"]) for k in keys if k["name"] == self.plan_key_name)
            plans = self._apigateway.get_usage_plans(keyId=key_id)["items"]
            self._plan_id = str(plans[0]["id"])
        return self._plan_id
