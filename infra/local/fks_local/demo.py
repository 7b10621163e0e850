"""``fks demo``: the main job on the embedded default, end to end on this machine.

Local stack up (emulator + template + runtime + API + simulator) → candles from the exchange
simulator through the real ccxt client → a strategy turns them into a signal → the signal goes
onto the queue → the pipeline runs on Step Functions → the health API and the schedules answer.
Each step prints what happened. It grows as capabilities land.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import requests

from fks.signal_generation import latest_signal
from fks.strategies import get_strategy
from fks_adapters.exchanges import make_exchange
from fks_local.scheduler import Scheduler
from fks_local.stack import LocalStack, StackOptions

SYMBOL = "BTC/USDT"
TIMEFRAME = "1m"
STRATEGY = "sma_cross"


def _step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def _wait_for_execution(stack: LocalStack, signal_id: str, timeout_s: float = 60) -> dict[str, Any]:
    sfn = stack.clients("stepfunctions")
    machine = stack.deployed.outputs["SignalStateMachineArn"] if stack.deployed else ""
    arn = machine.replace(":stateMachine:", ":execution:") + f":{signal_id}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            description = sfn.describe_execution(executionArn=arn)
        except sfn.exceptions.ExecutionDoesNotExist:
            description = {"status": "QUEUED"}
        if description["status"] not in ("RUNNING", "QUEUED"):
            return dict(description)
        time.sleep(0.3)
    raise TimeoutError(f"the pipeline for {signal_id} did not finish in {timeout_s}s")


def _demo_api_key(stack: LocalStack) -> str:
    """An admin key for the demo's API calls, made as `fks keys create` makes one."""
    from fks.auth.principal import Scope
    from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key

    outputs = stack.deployed.outputs if stack.deployed else {}
    store = ApiKeyStore(outputs["ApiKeysTableName"], stack.clients("dynamodb"))
    plan = UsagePlanKeys(outputs["ApiUsagePlanId"], stack.clients("apigateway"))
    return create_key(store, plan, "demo", frozenset({Scope.ADMIN})).presented


def _collect_market_data(stack: LocalStack, api_url: str) -> bool:
    """Enable BTC/USDT, let the every-minute schedule collect it, read it back through the history API."""
    _step(f"Enabling {SYMBOL} collection (POST /assets/enable) and firing the collection schedule twice")
    headers = {"X-Api-Key": _demo_api_key(stack)}
    enabled = requests.post(
        f"{api_url}/assets/enable",
        json={"exchange": "binance", "symbol": SYMBOL, "history_days": 0},
        headers=headers,
        timeout=60,
    )
    print(f"    HTTP {enabled.status_code}: {enabled.json().get('asset', enabled.json())}")
    account = stack.clients("sts").get_caller_identity()["Account"]
    scheduler = Scheduler(stack.clients, account, "us-east-1")
    rules = [rule for rule in scheduler.schedule_rules() if "CollectOhlcv" in rule["Name"]]
    for _ in range(2):
        for rule in rules:
            for answer in scheduler.fire(rule, datetime.now(UTC), wait=True):
                for item in json.loads(answer["payload"]).get("collected", []):
                    print(f"    collect_ohlcv {item['asset']}: {item['stored_new']} new candles stored")
    history = requests.get(
        f"{api_url}/historical/{SYMBOL.replace('/', '-')}", params={"limit": 1000}, headers=headers, timeout=60
    )
    candles = history.json().get("candles", [])
    print(f"    GET /historical/BTC-USDT: HTTP {history.status_code}, {len(candles)} candles stored in S3")
    if candles:
        last = candles[-1]
        prices = " ".join(f"{name} {last[name]}" for name in ("open", "high", "low", "close", "volume"))
        print(f"    newest candle {last['open_time']}: {prices} (exact decimal strings)")
    return enabled.status_code == 200 and history.status_code == 200 and len(candles) > 0


def run() -> int:
    started = time.monotonic()
    _step("Starting the local stack (moto on 127.0.0.1, template.yaml deployed, exchange simulator)")
    with (
        tempfile.TemporaryDirectory(prefix="fks-demo-") as state,
        LocalStack(StackOptions(state_dir=Path(state))) as stack,
    ):
        assert stack.deployed is not None
        assert stack.simulator is not None
        info = stack.info()
        print(f"    emulator {info['endpoint_url']}, API {info['api_urls']['FksApi']}, exchange {info['exchange_url']}")
        elapsed = time.monotonic() - started
        print(f"    deployed {len(info['resources'])} resources, {len(info['functions'])} functions, in {elapsed:.1f}s")

        market_data_ok = _collect_market_data(stack, info["api_urls"]["FksApi"])

        _step(f"Fetching {SYMBOL} {TIMEFRAME} candles from the exchange simulator with ccxt.binance")
        exchange = make_exchange("binance", base_url=stack.simulator.url)
        rows = exchange.fetch_ohlcv(SYMBOL, TIMEFRAME, limit=300)
        closed = rows[:-1]  # the last candle is still open
        print(f"    {len(closed)} closed candles, last {exchange.iso8601(closed[-1][0])} close {closed[-1][4]}")

        _step(f"Evaluating strategy {STRATEGY} (fast 10 / slow 30) on them")
        strategy = get_strategy(STRATEGY)
        params = strategy.validate_params({"fast": 10, "slow": 30})
        columns = np.array(closed, dtype=np.float64).T
        candles = {
            "open_time": columns[0].astype(np.int64),
            "open": columns[1],
            "high": columns[2],
            "low": columns[3],
            "close": columns[4],
            "volume": columns[5],
        }
        targets = strategy.target_positions(candles, params)
        signal = latest_signal(
            strategy_id=STRATEGY,
            exchange="binance",
            symbol=SYMBOL,
            timeframe=TIMEFRAME,
            open_times=candles["open_time"],
            targets=targets,
            quantity=Decimal("0.01"),
        )
        if signal is None:
            print("    no position change in this window: no signal")
            return 0
        print(
            f"    signal {signal.signal_id}: {signal.side.value} {signal.quantity} {signal.symbol} "
            f"at bar {exchange.iso8601(signal.bar_time)}"
        )

        _step("Sending the signal to the signal-events queue; the pipeline starts from there")
        stack.clients("sqs").send_message(
            QueueUrl=stack.deployed.outputs["SignalEventsQueueUrl"], MessageBody=signal.model_dump_json()
        )
        execution = _wait_for_execution(stack, signal.signal_id)
        history = stack.clients("stepfunctions").get_execution_history(executionArn=execution["executionArn"])
        states = [e["stateEnteredEventDetails"]["name"] for e in history["events"] if "stateEnteredEventDetails" in e]
        recorded = json.loads(execution.get("output") or "{}").get("recorded") or {}
        print(f"    execution {execution['status']}: {' -> '.join(states)}")
        print(f"    signal {recorded.get('status')}: {recorded.get('reason')}")

        _step("GET /health through the local API gateway")
        response = requests.get(f"{info['api_urls']['FksApi']}/health", timeout=30)
        body = response.json()
        print(f"    HTTP {response.status_code}, status {body['status']}, {len(body['parts'])} parts checked")

        _step("Firing every schedule once (what EventBridge does on time)")
        account = stack.clients("sts").get_caller_identity()["Account"]
        for rule, answers in Scheduler(stack.clients, account, "us-east-1").tick().items():
            for answer in answers:
                print(f"    {rule} -> {answer['target'].rsplit(':', 1)[-1]}: {answer['error'] or 'ok'}")

        ok = execution["status"] == "SUCCEEDED" and response.status_code == 200 and market_data_ok
        verdict = "everything answered" if ok else "something failed (see above)"
        _step(f"Done in {time.monotonic() - started:.1f}s: {verdict}")
        return 0 if ok else 1
