"""The shared rate budget under a burst: N callers (each with its own DynamoDB client, as separate
Lambdas would be) take one token at a time from one bucket for D seconds, as fast as they can.

Over HTTP against the local AWS emulator (moto's server), with the budget's real conditional
writes. Printed: calls made against what the bucket allows (burst + rate x elapsed), the achieved
rate, the writes lost to another caller and retried, and the time callers waited. Nothing is
asserted.
Run: .venv/bin/python benchmarks/rate_budget_burst.py [callers] [seconds] [rate_per_s] [burst]
"""

from __future__ import annotations

import logging
import statistics
import sys
import threading
import time
from decimal import Decimal

import boto3
from moto.server import ThreadedMotoServer

from fks_adapters.exchanges.rate_budget import SharedRateBudget
from fks_local.ports import claim

TABLE = "bench-rate-budget"


def main(callers: int, seconds: float, rate: Decimal, burst: Decimal) -> None:
    port = claim(None)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call is noise
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"

        def client() -> object:
            return boto3.client(
                "dynamodb",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )

        client().create_table(  # type: ignore[attr-defined]
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "bucket", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "bucket", "KeyType": "HASH"}],
        )
        budgets = [
            SharedRateBudget(TABLE, "binance#public", rate_per_s=rate, burst=burst, client=client())  # type: ignore[arg-type]
            for _ in range(callers)
        ]
        taken_at: list[float] = []
        waits: list[float] = []
        lock = threading.Lock()
        start = time.monotonic()
        stop = start + seconds

        def caller(budget: SharedRateBudget) -> None:
            while time.monotonic() < stop:
                waited = budget.take(1)
                with lock:
                    taken_at.append(time.monotonic())
                    waits.append(waited)

        threads = [threading.Thread(target=caller, args=(budget,)) for budget in budgets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = max(taken_at) - start
        allowed = burst + rate * Decimal(str(elapsed))
        throttled = sum(budget.throttled for budget in budgets)
        waits.sort()
        print(f"callers={callers} seconds={seconds} rate={rate}/s burst={burst}")
        print(f"calls made: {len(taken_at)}   allowed by the bucket: {float(allowed):.1f}")
        print(f"achieved rate after the burst: {(len(taken_at) - float(burst)) / elapsed:.2f}/s (limit {rate}/s)")
        print(f"calls that found the budget spent and waited for their turn: {throttled}")
        print(
            f"wait per call: p50 {statistics.median(waits) * 1000:.0f} ms, "
            f"p95 {waits[int(len(waits) * 0.95) - 1] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        int(args[0]) if len(args) > 0 else 8,
        float(args[1]) if len(args) > 1 else 10.0,
        Decimal(args[2]) if len(args) > 2 else Decimal(20),
        Decimal(args[3]) if len(args) > 3 else Decimal(40),
    )
