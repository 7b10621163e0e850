"""Execution latency per order: the Rust core, the same path through the Python bindings, and the
whole execute_order handler in-process. Prints p50/p99/max; asserts nothing.

  core      ``cargo run --release --example latency`` (fks_execution_core): Engine::submit on the
            paper exchange - validate, risk, status machine, fill, position - 1,000,000 orders
  python    the same engine and orders through ``fks_execution._core.Engine.submit`` (JSON command
            in, JSON report out), timed around the call only
  handler   ``cargo run --release -p execute_order --example handler_latency``: the Lambda's
            handler with the paper exchange and an in-memory store (no DynamoDB round trips)

Run: .venv/bin/python benchmarks/execution_latency.py [--python-orders N] [--skip-rust]
Targets in issue 5: p99 under 5 us in Rust, under 50 us through Python, under 1 ms for the handler.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

from fks_execution import Engine

WORKSPACE = Path(__file__).resolve().parent.parent / "rust_lambda"
INSTRUMENT = {
    "symbol": "BTCUSDT",
    "base": "BTC",
    "quote": "USDT",
    "price_precision": 2,
    "size_precision": 5,
    "tick_size": "0.01",
    "step_size": "0.00001",
    "min_quantity": "0.00001",
    "min_notional": "5",
}
# The limits of the Rust harness (fks_execution_core/examples/latency.rs), so the paths compare.
LIMITS = {
    "max_order_notional": "1000",
    "position_limit": {"max_quantity": "1", "max_notional": "100000"},
    "max_open_orders": 50,
    "order_rate": {"max_orders": 1000, "window_ms": 1000},
    "daily_loss_limit": "1000000",
    "max_consecutive_exchange_errors": 5,
}
PAPER = {"fee_bps": "7.5", "slippage_bps": "1", "available_quantity": None}


def _percentile(sorted_ns: list[int], p: float) -> int:
    rank = max(1, min(len(sorted_ns), -(-len(sorted_ns) * p // 100)))
    return sorted_ns[int(rank) - 1]


def python_bindings(orders: int) -> None:
    engine = Engine("bench", json.dumps(LIMITS), json.dumps(PAPER))
    engine.add_instrument(json.dumps(INSTRUMENT))
    commands = [
        json.dumps(
            {
                "client_order_id": f"py-{i}",
                "account": "bench",
                "symbol": "BTCUSDT",
                "side": "buy" if i % 2 == 0 else "sell",
                "type": "market",
                "quantity": "0.00100",
                "time_in_force": "IOC",
            }
        )
        for i in range(orders)
    ]
    marks = [f"{60000 + (i % 200) / 100:.2f}" for i in range(orders)]
    samples = [0] * orders
    denied = 0
    clock = time.perf_counter_ns
    started = time.perf_counter()
    for i in range(orders):
        t0 = clock()
        try:
            engine.submit(commands[i], i + 1, marks[i])
        except Exception:  # a denial is a result here, timed like a fill
            denied += 1
        samples[i] = clock() - t0
    wall = time.perf_counter() - started
    samples.sort()
    print(f"python bindings: {orders} orders, {denied} denied, wall {wall:.2f}s")
    print(
        f"submit latency ns: p50 {_percentile(samples, 50)}  p90 {_percentile(samples, 90)}  "
        f"p99 {_percentile(samples, 99)}  max {samples[-1]}"
    )


def rust_example(*args: str) -> None:
    command = ["cargo", "run", "--quiet", "--release", "--manifest-path", str(WORKSPACE / "Cargo.toml"), *args]
    print(f"$ {' '.join(command[3:])}", flush=True)
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python-orders", type=int, default=200_000)
    parser.add_argument("--handler-orders", type=int, default=200_000)
    parser.add_argument("--skip-rust", action="store_true", help="only the Python bindings")
    args = parser.parse_args()
    if not args.skip_rust:
        rust_example("-p", "fks_execution_core", "--example", "latency")
    python_bindings(args.python_orders)
    if not args.skip_rust:
        rust_example("-p", "execute_order", "--example", "handler_latency", "--", str(args.handler_orders))


if __name__ == "__main__":
    main()
