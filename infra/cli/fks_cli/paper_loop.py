"""The trading loop on a local paper stack, driven only from outside: the demo's and the
bar-close benchmark's shared parts.

Everything here is what a user can do to a deployed FKS: call the API with a key, move the
simulated market (the simulator's ``/sim/price``: the market belongs to the venue), wait for the
minute schedules, and read what the platform recorded. Nothing here writes candles, computes a
signal or books a fill: collection, ``generate_signals``, the pipeline and the sync do that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from fks_exchange_sim.admin_client import SimulatorAdmin
from fks_local.stack import LocalStack

SYMBOL = "BTC/USDT"
VENUE_SYMBOL = "BTCUSDT"
# The deployable default: execute_order fills on the venue's public prices, keeps the paper book
# in DynamoDB and reads no trading key.
PAPER_PARAMETERS = {"TradingMode": "paper"}
# A scheduled run lands a moment after the minute; collection takes a few seconds more.
AFTER_MINUTE_S = 4.0
GATEWAY_RETRIES = 2


@dataclass
class Api:
    """The stack's REST API with an admin key, as any client would call it."""

    url: str
    key: str

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> tuple[int, Any]:
        """One request; a gateway error (a function that timed out starting on a busy machine) is
        retried as a client would, since every call here is idempotent."""
        for attempt in range(GATEWAY_RETRIES + 1):
            response = requests.request(
                method,
                f"{self.url}{path}",
                json=body,
                params=params or None,
                headers={"Authorization": f"Bearer {self.key}"},
                timeout=120,
            )
            if response.status_code not in (502, 503, 504) or attempt == GATEWAY_RETRIES:
                break
            time.sleep(1.0)
        return response.status_code, response.json() if response.content else None


def admin_api(stack: LocalStack) -> Api:
    """An admin key made as ``fks keys create`` makes one."""
    from fks.auth.principal import Scope
    from fks_adapters.aws.api_key_store import ApiKeyStore, UsagePlanKeys, create_key

    assert stack.deployed is not None
    outputs = stack.deployed.outputs
    store = ApiKeyStore(outputs["ApiKeysTableName"], stack.clients("dynamodb"))
    plan = UsagePlanKeys(outputs["ApiUsagePlanId"], stack.clients("apigateway"))
    key = create_key(store, plan, "paper-loop", frozenset({Scope.ADMIN})).presented
    return Api(stack.gateways["FksApi"].url, key)


def remove_trading_keys(stack: LocalStack) -> list[str]:
    """Paper trading needs no exchange key: the local stack's operator step (filling the secrets
    with the simulator's key) is undone, so nothing could trade on the venue even by mistake."""
    assert stack.deployed is not None
    secrets = stack.clients("secretsmanager")
    removed = []
    for logical_id in ("TradingSecret", "ReconcileExchangeSecret"):
        secrets.delete_secret(SecretId=stack.deployed.physical_id(logical_id), ForceDeleteWithoutRecovery=True)
        removed.append(logical_id)
    return removed


def simulator(stack: LocalStack) -> SimulatorAdmin:
    assert stack.simulator is not None
    return SimulatorAdmin(stack.simulator.url)


def minute_start(now_s: float | None = None) -> float:
    now = time.time() if now_s is None else now_s
    return now - now % 60


def sleep_until(when_s: float, progress: Callable[[str], None] | None = None, what: str = "") -> None:
    """Sleep to ``when_s`` (epoch seconds), telling ``progress`` every 15 s what it waits for."""
    while (left := when_s - time.time()) > 0:
        if progress is not None and what:
            progress(f"waiting {left:.0f}s for {what}")
        time.sleep(min(left, 15.0))


def poll(
    probe: Callable[[], Any],
    timeout_s: float,
    progress: Callable[[str], None] | None = None,
    what: str = "",
    every_s: float = 1.0,
) -> Any:
    """``probe()`` until it answers something truthy (returned), or None after ``timeout_s``."""
    started = time.monotonic()
    told = started
    while (elapsed := time.monotonic() - started) < timeout_s:
        answer = probe()
        if answer:
            return answer
        if progress is not None and what and time.monotonic() - told >= 15:
            progress(f"still waiting for {what} ({elapsed:.0f}s)")
            told = time.monotonic()
        time.sleep(every_s)
    return None


def newest_stored_minute(api: Api) -> int | None:
    """The open time of the newest 1m candle collection stored (the history API)."""
    status, body = api.call("GET", f"/historical/{SYMBOL.replace('/', '-')}", limit=1000)
    candles = (body or {}).get("candles", []) if status == 200 else []
    return int(candles[-1]["open_time"]) if candles else None


def strategy_signals(api: Api, strategy_id: str) -> list[dict[str, Any]]:
    """The signals recorded for one strategy today, oldest bar first."""
    status, body = api.call("GET", "/signals", symbol=SYMBOL, limit=200)
    if status != 200:
        return []
    found = [s for s in body["signals"] if _field(s, "strategy_id") == strategy_id]
    return sorted(found, key=lambda s: int(_field(s, "bar_time") or 0))


def _field(record: dict[str, Any], name: str) -> Any:
    """A signal record keeps the signal's fields at the top or under ``signal``."""
    if name in record:
        return record[name]
    inner = record.get("signal")
    return inner.get(name) if isinstance(inner, dict) else None


def signal_field(record: dict[str, Any], name: str) -> Any:
    return _field(record, name)


def finished_signal(api: Api, signal_id: str) -> dict[str, Any] | None:
    """``GET /signals/{id}`` once its pipeline execution has ended (record and execution path)."""
    status, body = api.call("GET", f"/signals/{signal_id}")
    if status != 200:
        return None
    execution = body.get("execution") or {}
    if execution.get("status") in (None, "RUNNING"):
        return None
    return dict(body)
