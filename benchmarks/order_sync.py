"""How long an order sync takes on the local stack, with the Python side's booking included.

Starts a local stack (live mode, on the exchange simulator), places N resting limit buys through
``execute_order``, then times ``SyncOrdersFunction``: K syncs while all N rest (nothing to learn),
then the one sync that learns the N fills after the simulator's price crosses them and books
them into the portfolio. Prints figures; asserts nothing. Local figures include the local Lambda
runtime and moto, so they compare one change with the next rather than predict AWS.

Run: .venv/bin/python benchmarks/order_sync.py [orders] [idle_syncs]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from fks_local.stack import LocalStack, StackOptions

SYMBOL = "BTCUSDT"


def _invoke(stack: LocalStack, logical_id: str, event: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    assert stack.deployed is not None
    start = time.perf_counter()
    response = stack.clients("lambda").invoke(
        FunctionName=stack.deployed.physical_id(logical_id), Payload=json.dumps(event).encode()
    )
    body: dict[str, Any] = json.loads(response["Payload"].read())
    elapsed = (time.perf_counter() - start) * 1000
    if "FunctionError" in response:
        raise RuntimeError(body)
    return elapsed, body


def _sync(stack: LocalStack) -> tuple[float, dict[str, Any]]:
    return _invoke(stack, "SyncOrdersFunction", {})


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    idle_syncs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    options = StackOptions(
        state_dir=Path(tempfile.mkdtemp(prefix="fks-bench-sync-")), schedules=False, parameters={"TradingMode": "live"}
    )
    stack = LocalStack(options)
    stack.start()
    try:
        price = Decimal(str(stack.simulator.price(SYMBOL)))
        limit = (price * Decimal("0.99")).quantize(Decimal("0.01"))
        for _ in range(orders):
            command = {
                "client_order_id": f"bench-{uuid.uuid4().hex[:16]}",
                "account": "binance-spot",
                "symbol": SYMBOL,
                "side": "buy",
                "type": "limit",
                "quantity": "0.001",
                "price": str(limit),
            }
            _invoke(stack, "ExecuteOrderFunction", command)
        _sync(stack)  # warm the function and the engine
        idle = [_sync(stack)[0] for _ in range(idle_syncs)]
        stack.simulator.set_price(SYMBOL, (limit * Decimal("0.995")).quantize(Decimal("0.01")))
        learned_ms, outcome = _sync(stack)
    finally:
        stack.stop()
    print(f"order sync, {orders} resting orders, local stack (live mode, simulator)")
    print(
        f"  idle sync (nothing to learn), {idle_syncs} runs: p50 {statistics.median(idle):.0f} ms, "
        f"p95 {_percentile(idle, 0.95):.0f} ms"
    )
    print(f"  sync learning {outcome['reports']} fills and booking {outcome['fills_booked']}: {learned_ms:.0f} ms")


if __name__ == "__main__":
    main()
