"""Health checks of the stack's storage and queues, each returning a named PartHealth."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

HEALTHY = "healthy"
DEGRADED = "degraded"
DOWN = "down"


@dataclass(frozen=True)
class PartHealth:
    part: str
    status: str
    reason: str = ""
    metric: float | None = None  # the part's own figure (DLQ depth, failed executions), if it has one

    @property
    def kind(self) -> str:
        """What sort of part: the prefix of its name (data, dlq, function, table, trading...)."""
        return self.part.split(":", 1)[0]

    def as_dict(self) -> dict[str, str]:
        body = {"part": self.part, "status": self.status}
        if self.reason:
            body["reason"] = self.reason
        return body


def http_status(parts: list[PartHealth]) -> int:
    """200 while the platform serves (healthy, or degraded: a part needs attention but nothing is
    down), 503 only when a part it runs on is down (a table, the bucket, a function). A halted
    account is shown down in the body and alarms, but it is a decision (an operator's, or the
    circuit breaker's) that the API keeps serving through, so it alone is no 503. A load balancer
    or uptime probe reading the code must not take either for an outage."""
    outage = any(part.status == DOWN and part.kind != "trading" for part in parts)
    return 503 if outage else 200


def guard(part: str, check: Callable[[], PartHealth]) -> PartHealth:
    # One unreachable part must not hide the others: every check reports, none raises.
    try:
        return check()
    except (ClientError, BotoCoreError) as exc:
        return PartHealth(part, DOWN, f"{type(exc).__name__}: {exc}")


def check_bucket(bucket: str, s3: S3Client | None = None) -> PartHealth:
    client = s3 or aws_client("s3")
    part = f"bucket:{bucket}"

    def check() -> PartHealth:
        client.head_bucket(Bucket=bucket)
        return PartHealth(part, HEALTHY)

    return guard(part, check)


def check_table(table: str, dynamodb: DynamoDBClient | None = None) -> PartHealth:
    client = dynamodb or aws_client("dynamodb")
    part = f"table:{table}"

    def check() -> PartHealth:
        status = client.describe_table(TableName=table)["Table"].get("TableStatus", "ACTIVE")
        if status != "ACTIVE":
            return PartHealth(part, DEGRADED, f"table status is {status}")
        return PartHealth(part, HEALTHY)

    return guard(part, check)


def check_dead_letter_queue(queue_url: str, sqs: SQSClient | None = None) -> PartHealth:
    """A dead-letter queue is healthy only when empty: each message in it is a lost event."""
    client = sqs or aws_client("sqs")
    part = f"dlq:{queue_url.rsplit('/', 1)[-1]}"

    def check() -> PartHealth:
        attrs = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])[
            "Attributes"
        ]
        depth = int(attrs.get("ApproximateNumberOfMessages", "0"))
        if depth:
            return PartHealth(part, DEGRADED, f"{depth} message(s) waiting in the dead-letter queue", metric=depth)
        return PartHealth(part, HEALTHY, metric=0)

    return guard(part, check)


def overall(parts: Iterable[PartHealth]) -> str:
    statuses = {p.status for p in parts}
    if DOWN in statuses:
        return DOWN
    if DEGRADED in statuses:
        return DEGRADED
    return HEALTHY


def report(parts: list[PartHealth]) -> dict[str, Any]:
    return {"status": overall(parts), "parts": [p.as_dict() for p in parts]}


def check_trading_states(table: str, dynamodb: DynamoDBClient | None = None) -> list[PartHealth]:
    """Each account's trading state as the execution engine keeps it: halted is down (the circuit
    breaker tripped or someone halted it), reducing is degraded, active is healthy."""
    client = dynamodb or aws_client("dynamodb")
    parts: list[PartHealth] = []
    try:
        for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            for item in page.get("Items", []):
                account = item["account"]["S"]
                state = item.get("state", {}).get("S", "active")
                status = {"halted": DOWN, "reducing": DEGRADED}.get(state, HEALTHY)
                reason = f"trading is {state}; 'POST /risk/resume' resumes it" if status != HEALTHY else ""
                parts.append(PartHealth(f"trading:{account}", status, reason))
    except (ClientError, BotoCoreError) as exc:
        parts.append(PartHealth(f"table:{table}", DOWN, f"{type(exc).__name__}: {exc}"))
    return parts
