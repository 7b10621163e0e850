"""One DynamoDB transaction per report: the report's idempotency claim and every item it changes.

The claim (a conditional put in the idempotency table) and the writes commit together, so a report
is either wholly recorded and claimed, or not at all: a retry after a crash finds nothing
half-written, and a replay finds the claim and changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from fks.errors import Conflict, TemporaryError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CLAIM_DAYS = 30  # far longer than the bridge retries or re-reads a report
_RETRYABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionInProgressException",
    }
)


@dataclass(frozen=True)
class IdempotencyClaim:
    """The caller's ``Idempotency-Key`` for one kind of report, and what the report said."""

    kind: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, kind: str, key: str, body: str) -> IdempotencyClaim:
        return cls(kind, key, hashlib.sha256(body.encode()).hexdigest())

    @property
    def record_id(self) -> str:
        return f"ninja#{self.kind}#{self.key}"


@dataclass(frozen=True)
class Write:
    """One item of the transaction. ``if_taken`` says what a failed condition means: the report was
    recorded before (``duplicate``) or another writer moved the item first (``retry``)."""

    operation: dict[str, Any]
    if_taken: Literal["duplicate", "retry"] = "retry"


class Contended(Exception):
    """An item changed between the read and the write: read again and recompute."""


class Transactions:
    def __init__(self, idempotency_table: str, client: DynamoDBClient) -> None:
        self.idempotency_table = idempotency_table
        self.client = client

    def commit(self, writes: list[Write], claim: IdempotencyClaim | None, now_ms: int) -> bool:
        """Write everything or nothing; ``False`` when the claim or a ``duplicate`` write shows the
        report was recorded before. Raises ``Contended`` when a ``retry`` write lost a race."""
        items = ([Write(self._claim_put(claim, now_ms), "duplicate")] if claim else []) + writes
        if not items:
            return True
        try:
            self.client.transact_write_items(TransactItems=[w.operation for w in items])  # type: ignore[misc]
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code != "TransactionCanceledException":
                raise _translated(error) from error
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            return self._cancelled(items, reasons, claim)
        except BotoCoreError as error:
            raise TemporaryError(f"DynamoDB did not answer: {error}") from error
        return True

    def _cancelled(self, items: list[Write], reasons: list[str], claim: IdempotencyClaim | None) -> bool:
        failed = [w for w, reason in zip(items, reasons, strict=False) if reason == "ConditionalCheckFailed"]
        if claim is not None and reasons and reasons[0] == "ConditionalCheckFailed":
            self._same_report(claim)
            return False
        if failed and all(w.if_taken == "duplicate" for w in failed):
            return False
        if failed or any(
            r in ("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded") for r in reasons
        ):
            raise Contended()
        raise TemporaryError(f"DynamoDB cancelled the transaction: {reasons}")

    def _same_report(self, claim: IdempotencyClaim) -> None:
        stored = self.client.get_item(
            TableName=self.idempotency_table, Key={"id": {"S": claim.record_id}}, ConsistentRead=True
        ).get("Item", {})
        if stored.get("fingerprint", {}).get("S") not in (None, claim.fingerprint):
            raise Conflict(
                f"Idempotency-Key {claim.key!r} was already used for a different {claim.kind} report",
                details={"idempotency_key": claim.key},
            )

    def _claim_put(self, claim: IdempotencyClaim, now_ms: int) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.idempotency_table,
                "Item": {
                    "id": {"S": claim.record_id},
                    "kind": {"S": claim.kind},
                    "fingerprint": {"S": claim.fingerprint},
                    "recorded_ms": {"N": str(now_ms)},
                    # The table's TTL attribute (epoch seconds): old claims expire on their own.
                    "expiration": {"N": str(now_ms // 1000 + CLAIM_DAYS * 86400)},
                },
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }


def _translated(error: ClientError) -> Exception:
    code = error.response.get("Error", {}).get("Code", "")
    if code in _RETRYABLE:
        return TemporaryError(f"DynamoDB is busy ({code}); retry")
    return error
