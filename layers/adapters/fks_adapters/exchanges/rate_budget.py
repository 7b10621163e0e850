"""One rate budget per venue and key, shared by every function that calls the venue: a token
bucket held in DynamoDB (RateBudgetTable, hash key ``bucket`` = ``<venue>#<key>``).

ccxt's own throttle spaces the calls of one client; a minute's collection, an order sync and a
reconciliation are separate Lambdas, each with its own client, and together they could exceed the
venue's limit. Here each call first takes its cost from the shared bucket: read the item, refill it
for the time passed (``rate_per_s``, at most ``burst``), and write the new level with a
condition that the item is still the one read (its ``version``). Two callers racing for the last
tokens cannot both win: the loser's write fails its condition, and it reads again. A caller short
of tokens sleeps until enough have refilled. The item is the only state; nothing is cached, so a
cold start changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

from fks.errors import RateLimited

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Fractions of a token below this are dropped, so the stored level stays a short decimal.
_QUANTUM = Decimal("0.001")
# How long one call may wait for its tokens before giving up (RateLimited): well inside a Lambda's
# timeout, and longer than a refill from empty at every venue's pace.
DEFAULT_MAX_WAIT_S = 20.0


def bucket_id(venue: str, key: str) -> str:
    """``binance#public`` for keyless market data, ``kraken#kraken-main`` for an account's key."""
    return f"{venue}#{key}"


class SharedRateBudget:
    def __init__(
        self,
        table: str,
        bucket: str,
        *,
        rate_per_s: Decimal,
        burst: Decimal,
        client: DynamoDBClient | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
    ) -> None:
        if rate_per_s <= 0 or burst <= 0:
            raise ValueError("a rate budget needs a positive rate and burst")
        self.table = table
        self.bucket = bucket
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._client = client or boto3.client("dynamodb")
        self._clock = clock
        self._sleep = sleep
        self.max_wait_s = max_wait_s
        self.conflicts = 0  # writes lost to another caller, for the benchmark's figures

    def take(self, cost: Decimal | float | int = 1) -> float:
        """Take ``cost`` tokens, waiting for them if needed; returns the seconds waited.

        A cost above the burst is capped at the burst (the call could never go otherwise).
        ``RateLimited`` when the tokens do not come within ``max_wait_s``.
        """
        wanted = min(Decimal(str(cost)), self.burst)
        started = self._clock()
        while True:
            now_ms = int(self._clock() * 1000)
            level, version = self._level(now_ms)
            if level >= wanted:
                if self._write(level - wanted, now_ms, version):
                    return self._clock() - started
                self.conflicts += 1
                continue  # another caller took tokens between the read and the write: read again
            wait = float((wanted - level) / self.rate_per_s)
            if self._clock() - started + wait > self.max_wait_s:
                raise RateLimited(
                    f"rate budget {self.bucket}: {wanted} tokens not available within {self.max_wait_s}s",
                    details={"bucket": self.bucket, "cost": str(wanted)},
                )
            self._sleep(wait)

    def throttle(self, cost: Any = None) -> None:
        """ccxt's ``Exchange.throttle(cost)``: installed on a client, every REST call it makes
        takes its endpoint's cost from this budget instead of the client's own spacing."""
        self.take(1 if cost is None else cost)

    def _level(self, now_ms: int) -> tuple[Decimal, int | None]:
        item = self._client.get_item(TableName=self.table, Key={"bucket": {"S": self.bucket}}, ConsistentRead=True).get(
            "Item"
        )
        if item is None:
            return self.burst, None
        tokens = Decimal(item["tokens"]["N"])
        elapsed_s = Decimal(max(0, now_ms - int(item["refilled_ms"]["N"]))) / 1000
        return min(self.burst, tokens + elapsed_s * self.rate_per_s), int(item["version"]["N"])

    def _write(self, level: Decimal, now_ms: int, version: int | None) -> bool:
        # Every attribute through a placeholder: DynamoDB reserves many plain words ("bucket" among them).
        condition = "attribute_not_exists(#version)" if version is None else "#version = :seen"
        values: dict[str, Any] = {
            ":tokens": {"N": str(level.quantize(_QUANTUM))},
            ":now": {"N": str(now_ms)},
            ":next": {"N": str((version or 0) + 1)},
        }
        if version is not None:
            values[":seen"] = {"N": str(version)}
        try:
            self._client.update_item(
                TableName=self.table,
                Key={"bucket": {"S": self.bucket}},
                UpdateExpression="SET #tokens = :tokens, #refilled = :now, #version = :next",
                ConditionExpression=condition,
                ExpressionAttributeNames={"#tokens": "tokens", "#refilled": "refilled_ms", "#version": "version"},
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
