"""What reading a request body within limits costs (``fks.json_limits.read_json``) next to a bare
``json.loads``: a typical order body, a 220 KB body near the 256 KiB limit, and a refused body
nested 5,000 levels deep. Figures are printed; nothing is asserted.
Run: .venv/bin/python benchmarks/json_limits.py
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import partial

from fks.errors import BadRequest
from fks.json_limits import read_json

ORDER = json.dumps(
    {"client_order_id": "c1", "account": "binance-spot", "symbol": "BTCUSDT", "side": "buy", "type": "market",
     "quantity": "0.001"}
)  # fmt: skip
LARGE = json.dumps({"items": [{"a": "x" * 50, "b": [1, 2, {"c": "]]]"}]} for _ in range(2500)]})
DEEP = "[" * 5000 + "]" * 5000


def _per_call_us(call: Callable[[], object], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - started) / repeat * 1e6


def _refused(body: str) -> Callable[[], object]:
    def call() -> object:
        try:
            return read_json(body)
        except BadRequest as refused:
            return refused

    return call


def main() -> None:
    for name, body, repeat in (("order", ORDER, 20_000), ("220 KB", LARGE, 50)):
        limited = _per_call_us(partial(read_json, body), repeat)
        bare = _per_call_us(partial(json.loads, body), repeat)
        print(f"{name:>7} body ({len(body):>7} bytes): read_json {limited:9.1f} us, json.loads {bare:9.1f} us")
    print(f"5000-deep body refused in {_per_call_us(_refused(DEEP), 200):.1f} us (json.loads: RecursionError)")


if __name__ == "__main__":
    main()
