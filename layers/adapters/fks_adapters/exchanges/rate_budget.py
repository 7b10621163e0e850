"""One rate budget per venue and key, shared by every function that calls the venue, held in
DynamoDB (RateBudgetTable, hash key ``bucket`` = ``<venue>#<key>``).

ccxt's own throttle spaces the calls of one client; a minute's collection, an order sync and a
reconciliation are separate Lambdas, each with its own client, and together they could exceed the
venue's limit. Here each call first pays its cost into the shared budget.

The budget is a token bucket (``rate_per_s``, at most ``burst`` at once) kept as one number: the
bucket's *theoretical arrival time* ``tat`` (GCRA, the generic cell rate algorithm; a token
bucket in other words). A call of cost ``c`` moves ``tat`` on by ``c / rate`` and may go while
``tat`` stays within ``burst / rate`` of now. Both cases are single conditional updates, never a
read-modify-write: ``SET tat = tat + :cost`` if the bucket is busy (``now < tat <= latest``), or
``SET tat = :now + :cost`` if it is idle (``tat <= now``). DynamoDB applies updates to an item one
at a time, so concurrent callers never lose or double a payment, and none is retried for having
raced another. Only a call that finds the budget spent reads ``tat``, to sleep until its turn.
Times are integer microseconds, so the stored number is exact.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fks.errors import RateLimited
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_US = 1_000_000
# How long one call may wait for its turn before giving up (RateLimited): well inside a Lambda's
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
        self._client = client or aws_client("dynamodb")
        self._clock = clock
        self._sleep = sleep
        self.max_wait_s = max_wait_s
        self.throttled = 0  # calls that found the budget spent and waited, for the benchmark's figures
        # Which update to try first: the one that succeeded last (a quiet bucket is idle at each
        # call, a busy one busy), so a call is usually one write, not a failed one and a second.
        self._busy_first = False

    def take(self, cost: Decimal | float | int = 1) -> float:
        """Pay ``cost`` (a cost above the burst pays the burst: the call could never go
        otherwise), waiting for its turn; returns the seconds waited. ``RateLimited`` when the
        turn does not come within ``max_wait_s``."""
        wanted = min(Decimal(str(cost)), self.burst)
        emission = self._us(wanted)
        tolerance = self._us(self.burst)
        started = self._clock()
        while True:
            now = int(self._clock() * _US)
            if self._pay(now, emission, now + tolerance - emission):
                return self._clock() - started
            # Spent: the bucket's tat is beyond the latest this call may find; wait until it is not.
            tat = self._tat()
            wait_s = 0.0 if tat is None else max(0, tat - (now + tolerance - emission)) / _US
            if self._clock() - started + wait_s > self.max_wait_s:
                raise RateLimited(
                    f"rate budget {self.bucket}: no turn for a call of cost {wanted} within {self.max_wait_s}s",
                    details={"bucket": self.bucket, "cost": str(wanted)},
                )
            self.throttled += 1
            self._sleep(wait_s)

    def throttle(self, cost: Any = None) -> None:
        """ccxt's ``Exchange.throttle(cost)``: installed on a client, every REST call it makes
        pays its endpoint's cost into this budget instead of the client's own spacing."""
        self.take(1 if cost is None else cost)

    def _pay(self, now: int, emission: int, latest: int) -> bool:
        def busy() -> bool:
            return self._pay_busy(now, emission, latest)

        def idle() -> bool:
            return self._pay_idle(now, emission)

        order = [(True, busy), (False, idle)] if self._busy_first else [(False, idle), (True, busy)]
        for was_busy, attempt in order:
            if attempt():
                self._busy_first = was_busy
                return True
        return False

    def _us(self, tokens: Decimal) -> int:
        return math.ceil(tokens * _US / self.rate_per_s)

    def _pay_busy(self, now: int, emission: int, latest: int) -> bool:
        return self._update(
            "SET #tat = #tat + :emission ADD #calls :one",
            "#tat > :now AND #tat <= :latest",
            {":emission": emission, ":now": now, ":latest": latest},
        )

    def _pay_idle(self, now: int, emission: int) -> bool:
        return self._update(
            "SET #tat = :next ADD #calls :one",
            "attribute_not_exists(#tat) OR #tat <= :now",
            {":next": now + emission, ":now": now},
        )

    def _update(self, expression: str, condition: str, numbers: dict[str, int]) -> bool:
        values: dict[str, Any] = {name: {"N": str(value)} for name, value in numbers.items()}
        values[":one"] = {"N": "1"}
        try:
            self._client.update_item(
                TableName=self.table,
                Key={"bucket": {"S": self.bucket}},
                UpdateExpression=expression,
                ConditionExpression=condition,
                # Every attribute through a placeholder: DynamoDB reserves many plain words.
                ExpressionAttributeNames={"#tat": "tat", "#calls": "calls"},
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _tat(self) -> int | None:
        item = self._client.get_item(TableName=self.table, Key={"bucket": {"S": self.bucket}}, ConsistentRead=True).get(
            "Item"
        )
        return int(item["tat"]["N"]) if item and "tat" in item else None
