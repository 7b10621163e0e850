"""fks_ai on the local stack: the briefing step's cold start and warm invocations, and a search
through AiFunction, as the local Lambda runtime runs them.

Starts a local stack (schedules off), has BackfillFunction collect 90 days of SOL/USDT 1m
candles from the simulator's sample history, trains the asset's regime and forecast models
(ModelsFunction), runs a backtest of sma_cross and stores a strategy of it (so a briefing has a
regime, a forecast and a per-regime record to compute), posts two notes and builds the index,
then invokes AiFunction with a signals-stream batch as the table's stream delivers a validated
signal's first record: the first invocation is the container's cold start (imports, the text
model's load from its wheel), the next ones are warm. No such signal is in the table, so each
briefing is built in full and its conditional write stores nothing (``attached`` stays empty).
Then ``POST /ai/search`` events, by text and by market state. Figures only; asserts nothing. The
local runtime adds its own IPC, so these bound AWS from neither side.
Run: .venv/bin/python benchmarks/ai_stack.py [warm_runs]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fks_cli import event_shapes as shapes
from fks_local.stack import LocalStack, StackOptions

HOUR, DAY = 3_600_000, 86_400_000
START = 1_717_200_000_000  # 2024-06-01 UTC: the simulator's sample SOL/USDT history
BAR = START + 85 * DAY + 2 * HOUR
STRATEGY = "bench-sma"


def _invoke(stack: LocalStack, function: str, event: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    reply = stack.clients("lambda").invoke(FunctionName=function, Payload=json.dumps(event).encode())
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, json.loads(reply["Payload"].read())


def _stream_batch() -> dict[str, Any]:
    signal = {
        "signal_id": f"bench-{uuid.uuid4().hex[:12]}",
        "strategy_id": STRATEGY,
        "exchange": "binance",
        "symbol": "SOL/USDT",
        "side": "buy",
        "quantity": "1",
        "timeframe": "1h",
        "bar_time": BAR,
    }
    keys = {"pk": {"S": f"SIGNAL#{signal['signal_id']}"}, "sk": {"S": "STATUS"}}
    image = {**keys, "status": {"S": "validated"}, "signal": {"S": json.dumps(signal)}}
    return shapes.dynamodb_stream_event("SignalsTable", "INSERT", keys, image, None)


def _post(resource: str, body: dict[str, Any], path: dict[str, str] | None = None) -> dict[str, Any]:
    return shapes.api_event(resource, "POST", path_parameters=path, body=json.dumps(body))


def _history(stack: LocalStack) -> None:
    """What a briefing reads: candles, the asset's stored models, a backtest and the strategy."""
    assert stack.deployed is not None
    function = stack.deployed.physical_id
    print("collecting 90 days of SOL/USDT 1m candles with BackfillFunction ...", flush=True)
    history = {"exchange": "binance", "symbol": "SOL/USDT", "timeframe": "1m", "reason": "benchmark"}
    _invoke(stack, function("BackfillFunction"), {**history, "start_ms": START, "end_ms": START + 90 * DAY})
    print("training the SOL-USDT models, a backtest and a strategy of sma_cross ...", flush=True)
    market = {"exchange": "binance", "symbol": "SOL/USDT", "timeframe": "1h"}
    train = {"timeframe": "1h", "days": 80, "end_ms": BAR - 2 * DAY}
    _, trained = _invoke(
        stack, function("ModelsFunction"), _post("/models/{asset}/train", train, {"asset": "SOL-USDT"})
    )
    backtest = {**market, "strategy": "sma_cross", "start_ms": BAR - 40 * DAY, "end_ms": BAR}
    _, tested = _invoke(stack, function("BacktestsFunction"), _post("/backtests", backtest))
    strategy = {**market, "strategy": "sma_cross", "strategy_id": STRATEGY, "active": False}
    _, stored = _invoke(stack, function("StrategiesFunction"), _post("/strategies", strategy))
    for name, reply in (("train", trained), ("backtest", tested), ("strategy", stored)):
        print(f"  {name}: HTTP {reply.get('statusCode')}")


def _line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    return f"{name:<34} median {statistics.median(ordered):8.1f} ms   max {ordered[-1]:8.1f} ms   ({len(values)} runs)"


def main(warm_runs: int) -> None:
    with tempfile.TemporaryDirectory() as state_dir:
        print("starting the local stack ...", flush=True)
        with LocalStack(StackOptions(state_dir=Path(state_dir), schedules=False)) as stack:
            assert stack.deployed is not None
            ai = stack.deployed.physical_id("AiFunction")
            _history(stack)

            cold_ms, cold = _invoke(stack, ai, _stream_batch())  # the container's first invocation
            print(f"briefing, cold start                 {cold_ms:8.1f} ms   ({cold})")
            warm = [_invoke(stack, ai, _stream_batch())[0] for _ in range(warm_runs)]
            notes = ("SOL bounced hard after every funding flush", "thin liquidity over the weekend")
            for note in notes:
                _invoke(stack, ai, _post("/ai/notes", {"text": note}))
            build_ms, build = _invoke(stack, ai, {"schedule": "rebuild_ai_index"})
            text = [_invoke(stack, ai, _post("/ai/search", {"text": "funding flush"}))[0] for _ in range(warm_runs)]
            market = {"market": {"symbol": "SOL/USDT", "timeframe": "1h", "at_ms": BAR}}
            by_state = [_invoke(stack, ai, _post("/ai/search", market))[0] for _ in range(warm_runs)]

    print(_line("briefing, warm", warm))
    print(f"{'index build':<34} {build_ms:8.1f} ms   ({build})")
    print(_line("POST /ai/search by text", text))
    print(_line("POST /ai/search by market state", by_state))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
