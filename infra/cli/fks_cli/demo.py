"""``fks demo``: the loop a trader leaves running, on this machine, in paper mode.

Local stack up with ``TradingMode=paper`` and no trading key → an admin key → ``POST
/assets/enable`` BTC/USDT → collection stores its 1m candles on the minute schedule → a 1m
``sma_cross`` strategy with a stop loss and a take profit, created and activated through the
strategies API → the scheduled ``generate_signals`` produces the signal on a closed bar → the
pipeline (Step Functions) risk-checks it and ``execute_order`` fills it on the paper venue → the
order, the position, the protective OCO, the portfolio, an order sync and the health check, each
read back through the API.

The demo moves the simulated market (the simulator's ``/sim/price``: a drop, then a rise two
minutes later) so that the strategy's averages cross within a few minutes instead of whenever the
sample walk happens to; it never writes a candle, computes a signal or books anything.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fks_cli.paper_loop import (
    AFTER_MINUTE_S,
    PAPER_PARAMETERS,
    SYMBOL,
    VENUE_SYMBOL,
    Api,
    admin_api,
    finished_signal,
    minute_start,
    newest_stored_minute,
    poll,
    remove_trading_keys,
    signal_field,
    simulator,
    sleep_until,
    strategy_signals,
)
from fks_local.scheduler import Scheduler
from fks_local.stack import LocalStack, StackOptions

# Short averages so the 60 minutes the first collection stores are ample history (the lookback is
# 3 x slow bars), and a two-minute drop-then-rise crosses them.
PARAMS = {"fast": 2, "slow": 5}
STOP_LOSS_PCT = "3"
TAKE_PROFIT_PCT = "6"
QUANTITY = "0.01"
DROP_PCT = "-4"
RISE_PCT = "10"
SIGNAL_TIMEOUT_S = 200.0


@dataclass
class DemoOutcome:
    """What the loop produced, as the API reported it; ``failures`` names every missing part."""

    strategy_id: str = ""
    signal: dict[str, Any] = field(default_factory=dict)
    execution: dict[str, Any] = field(default_factory=dict)
    order: dict[str, Any] = field(default_factory=dict)
    positions: list[dict[str, Any]] = field(default_factory=list)
    exits: list[dict[str, Any]] = field(default_factory=list)
    open_orders: list[dict[str, Any]] = field(default_factory=list)
    portfolio: dict[str, Any] = field(default_factory=dict)
    sync: dict[str, Any] = field(default_factory=dict)
    health_status: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def _say(text: str) -> None:
    print(f"    {text}", flush=True)


def _hhmm(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H:%M")


def _scheduler(stack: LocalStack) -> Scheduler:
    account = stack.clients("sts").get_caller_identity()["Account"]
    return Scheduler(stack.clients, account, "us-east-1", stack.options.stack_name)


def _fire(stack: LocalStack, function: str) -> dict[str, Any]:
    """Fire the schedule rule of ``function`` now, as EventBridge does, and read its answer."""
    scheduler = _scheduler(stack)
    rule = next(r for r in scheduler.schedule_rules() if function in r["Name"])
    (answer,) = scheduler.fire(rule, datetime.now(UTC), wait=True)
    body: dict[str, Any] = json.loads(answer["payload"]) if answer.get("payload") else {}
    if answer.get("error"):
        body["error"] = answer["error"]
    return body


def _enable_and_collect(stack: LocalStack, api: Api, outcome: DemoOutcome) -> int | None:
    _step(f"Enabling {SYMBOL} (POST /assets/enable); the collection schedule stores its 1m candles")
    status, body = api.call("POST", "/assets/enable", {"exchange": "binance", "symbol": SYMBOL, "history_days": 0})
    _say(f"HTTP {status}: {body.get('asset', body) if body else ''}")
    for item in _fire(stack, "CollectOhlcvFunction").get("collected", []):
        _say(f"collect_ohlcv {item['asset']}: {item['stored_new']} new 1m candles stored")
    # Should that run fail (a cold start timing out on a busy machine), the next minute's runs on
    # the schedule collect.
    newest: int | None = poll(lambda: newest_stored_minute(api), 130, _say, "the collection schedule", 3.0)
    if status != 200 or newest is None:
        outcome.failures.append("the asset was not enabled or no candle was collected")
        return None
    _say(f"GET /historical/BTC-USDT: newest stored minute {_hhmm(newest)}")
    return newest


def _create_strategy(api: Api, outcome: DemoOutcome) -> bool:
    strategy_id = f"demo-{uuid.uuid4().hex[:6]}"
    body = {
        "strategy_id": strategy_id,
        "strategy": "sma_cross",
        "symbol": SYMBOL,
        "timeframe": "1m",
        "params": PARAMS,
        "quantity": QUANTITY,
        "stop_loss_pct": STOP_LOSS_PCT,
        "take_profit_pct": TAKE_PROFIT_PCT,
    }
    created, answer = api.call("POST", "/strategies", body)
    activated, _ = api.call("POST", f"/strategies/{strategy_id}/activate")
    _say(
        f"POST /strategies: HTTP {created} {strategy_id} sma_cross {PARAMS} 1m, quantity {QUANTITY}, "
        f"stop loss {STOP_LOSS_PCT}%, take profit {TAKE_PROFIT_PCT}%"
    )
    _say(f"POST /strategies/{strategy_id}/activate: HTTP {activated}")
    if created != 201 or activated != 200:
        outcome.failures.append(f"the strategy was not created and activated: {answer}")
        return False
    outcome.strategy_id = strategy_id
    return True


def _move_market(stack: LocalStack, change_pct: str) -> None:
    moved = simulator(stack).move_price(VENUE_SYMBOL, change_pct)
    _say(
        f"POST /sim/price {change_pct}%: {moved['previous_price']} -> {moved['price']} "
        f"(this minute closes there; the series goes on from it)"
    )


def _make_the_market_cross(stack: LocalStack, api: Api, outcome: DemoOutcome) -> bool:
    """A drop this minute, the strategy activated two closed minutes later (so the drop's own
    cross is history it never trades), then a rise: the averages cross up on that minute."""
    _step(f"Moving the simulated market: {DROP_PCT}% now")
    drop_minute = minute_start()
    _move_market(stack, DROP_PCT)
    activate_at = drop_minute + 120 + AFTER_MINUTE_S
    sleep_until(activate_at, _say, "the next minute to close and be collected")
    stored = poll(
        lambda: (n := newest_stored_minute(api)) is not None and n >= (drop_minute + 60) * 1000,
        90,
        _say,
        "collection to store the minute after the drop",
    )
    if not stored:
        outcome.failures.append("the minute schedule did not collect the minutes after the drop")
        return False
    # Past the run that fired at this minute, so the first evaluation is of a minute after the drop.
    sleep_until(activate_at + 8)
    _step("Creating and activating a 1m strategy through the strategies API")
    if not _create_strategy(api, outcome):
        return False
    _step(f"Moving the simulated market: {RISE_PCT}% now; this minute's close crosses the averages up")
    _move_market(stack, RISE_PCT)
    return True


def _wait_for_signal(api: Api, outcome: DemoOutcome) -> str | None:
    _step("Waiting for the minute schedules: collect_ohlcv stores the bar, generate_signals judges it")
    found = poll(lambda: strategy_signals(api, outcome.strategy_id), SIGNAL_TIMEOUT_S, _say, "the signal", 2.0)
    if not found:
        outcome.failures.append(f"generate_signals recorded no signal for {outcome.strategy_id} in {SIGNAL_TIMEOUT_S}s")
        return None
    first = found[0]
    signal_id = str(signal_field(first, "signal_id"))
    bar = int(signal_field(first, "bar_time"))
    _say(
        f"signal {signal_id}: {signal_field(first, 'side')} {signal_field(first, 'quantity')} {SYMBOL} "
        f"on the {_hhmm(bar)} bar, by {outcome.strategy_id}'s schedule"
    )
    return signal_id


def _follow_pipeline(api: Api, signal_id: str, outcome: DemoOutcome) -> None:
    _step("The signal through the pipeline (GET /signals/{id}: record and Step Functions history)")
    body = poll(lambda: finished_signal(api, signal_id), 90, _say, "the pipeline to finish")
    if body is None:
        outcome.failures.append(f"the pipeline of {signal_id} did not finish")
        return
    outcome.signal, outcome.execution = body["signal"], body["execution"]
    states = " -> ".join(s["state"] for s in outcome.execution["states"])
    _say(f"execution {outcome.execution['status']}: {states}")
    _say(
        f"signal status {outcome.signal.get('status')}"
        + (f": {outcome.signal['reason']}" if outcome.signal.get("reason") else "")
    )
    if outcome.execution["status"] != "SUCCEEDED":
        outcome.failures.append(f"the pipeline ended {outcome.execution['status']}")
    if signal_field(outcome.signal, "side") != "buy":
        outcome.failures.append(
            f"the first signal was a {signal_field(outcome.signal, 'side')}, not the buy the rise makes"
        )


def _show_order_and_position(api: Api, outcome: DemoOutcome) -> None:
    report = outcome.signal.get("report") or {}
    client_order_id = report.get("client_order_id") or (outcome.signal.get("order") or {}).get("client_order_id")
    _step(f"The paper fill (GET /orders/{client_order_id})")
    status, body = api.call("GET", f"/orders/{client_order_id}") if client_order_id else (0, None)
    outcome.order = (body or {}).get("order") or {}
    shown = {
        k: outcome.order.get(k) for k in ("status", "side", "type", "quantity", "filled_qty", "avg_fill_price", "fees")
    }
    _say(f"HTTP {status}: {', '.join(f'{k} {v}' for k, v in shown.items() if v is not None)}")
    if outcome.order.get("status") != "filled":
        outcome.failures.append(f"the entry order is {outcome.order.get('status')!r}, not filled")

    _step("The position (GET /positions)")
    status, body = api.call("GET", "/positions")
    outcome.positions = [p for p in (body or {}).get("positions", []) if Decimal(str(p.get("quantity", "0"))) != 0]
    for position in outcome.positions:
        side, quantity = position.get("side"), position.get("quantity")
        _say(f"{position.get('symbol')}: {side} {quantity} at {position.get('avg_entry_price')}")
    if not outcome.positions:
        outcome.failures.append("no open position after the fill")

    _step("The protective exits (the report's exits, GET /orders?status=open)")
    outcome.exits = list(report.get("exits") or [])
    for exit_order in outcome.exits:
        prices = f"stop {exit_order.get('stop_price')}, " if exit_order.get("stop_price") else ""
        kind, client_order_id = exit_order.get("kind"), exit_order.get("client_order_id")
        _say(f"exit {kind} {client_order_id}: {prices}limit {exit_order.get('price')}")
    status, body = api.call("GET", "/orders", status="open")
    outcome.open_orders = (body or {}).get("orders", [])
    for order in outcome.open_orders:
        what = f"{order.get('type')} {order.get('side')} {order.get('quantity')}"
        _say(f"open order {order.get('client_order_id')}: {what} ({order.get('status')})")
    if not outcome.exits or not outcome.open_orders:
        outcome.failures.append("no protective exit order is working for the position")


def _show_portfolio_sync_health(stack: LocalStack, api: Api, outcome: DemoOutcome) -> None:
    _step("The portfolio (GET /portfolio)")
    status, outcome.portfolio = api.call("GET", "/portfolio")
    strategies = {s["strategy_id"]: s for s in (outcome.portfolio or {}).get("strategies", [])}
    books = strategies.get(outcome.strategy_id, {}).get("books", [])
    for book in books:
        _say(f"{outcome.strategy_id} book {book.get('symbol')}: {book.get('quantity')} (HTTP {status})")
    totals = {k: v for k, v in (outcome.portfolio or {}).items() if not isinstance(v, list | dict)}
    _say(", ".join(f"{k} {v}" for k, v in totals.items()))
    if not books:
        outcome.failures.append(f"the portfolio has no book for {outcome.strategy_id}")

    _step("An order sync (the every-minute sync_orders schedule, fired now)")
    outcome.sync = _fire(stack, "SyncOrdersFunction")
    _say(json.dumps({k: v for k, v in outcome.sync.items() if not isinstance(v, list | dict)}))
    if outcome.sync.get("error") or outcome.sync.get("reached") is False:
        outcome.failures.append(f"the order sync failed: {outcome.sync}")

    _step("GET /health")
    status, body = api.call("GET", "/health")
    outcome.health_status = status
    _say(f"HTTP {status}, status {(body or {}).get('status')}, {len((body or {}).get('parts', []))} parts checked")
    if status != 200:
        outcome.failures.append(f"health answered {status}")


def loop(stack: LocalStack) -> DemoOutcome:
    """The whole loop on a started paper stack; every step prints what happened."""
    outcome = DemoOutcome()
    _step("Paper trading: no exchange key at all")
    _say(f"deleted {', '.join(remove_trading_keys(stack))}; TradingMode=paper")
    api = admin_api(stack)
    _say("admin API key created")
    if _enable_and_collect(stack, api, outcome) is None or not _make_the_market_cross(stack, api, outcome):
        return outcome
    signal_id = _wait_for_signal(api, outcome)
    if signal_id is None:
        return outcome
    _follow_pipeline(api, signal_id, outcome)
    if outcome.execution:
        _show_order_and_position(api, outcome)
    _show_portfolio_sync_health(stack, api, outcome)
    return outcome


def run_demo() -> tuple[DemoOutcome, float]:
    """The loop on a fresh paper stack, stopped afterwards; what it produced and how long it took."""
    started = time.monotonic()
    _step("Starting the local stack in paper mode (moto, template.yaml deployed, exchange simulator)")
    with (
        tempfile.TemporaryDirectory(prefix="fks-demo-") as state,
        LocalStack(StackOptions(state_dir=Path(state), parameters=dict(PAPER_PARAMETERS))) as stack,
    ):
        info = stack.info()
        _say(f"emulator {info['endpoint_url']}, API {info['api_urls']['FksApi']}, exchange {info['exchange_url']}")
        _say(f"{len(info['functions'])} functions deployed in {time.monotonic() - started:.1f}s; schedules running")
        outcome = loop(stack)
    return outcome, time.monotonic() - started


def run() -> int:
    outcome, elapsed = run_demo()
    if outcome.ok:
        _step(f"Done in {elapsed:.0f}s: signal -> pipeline -> paper fill -> position -> protective exits -> portfolio")
        return 0
    _step(f"FAILED after {elapsed:.0f}s: " + "; ".join(outcome.failures))
    return 1
