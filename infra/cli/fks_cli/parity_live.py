"""The live side of ``fks replay``: a strategy traded over history by the real scheduled path of
a local paper stack, on a simulated clock (``fks_local.sim_clock``).

Nothing here writes candles, computes a signal or books a fill. For each bar of the period the
clock is set to the bar's close and the stack's own schedules are fired at that instant, in the
order the minute schedule would run them: the order sync (resting exits meet the bar's minutes),
the collection of the simulator's 1m candles (which starts ``generate_signals``), and then, if
the strategy signalled on that bar, the wait until its pipeline execution (risk check,
``execute_order`` in paper mode, fill, portfolio) has finished. What the platform traded is read
back through the API afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fks.market_data.collection import FIRST_WINDOW_CANDLES
from fks.market_data.timeframes import MINUTE_MS, Timeframe
from fks.signal_generation import signal_id_for
from fks.strategies.configs import StrategyConfig
from fks_cli.paper_loop import Api, admin_api, finished_signal, poll
from fks_local.scheduler import Scheduler
from fks_local.sim_clock import SimulatedClock
from fks_local.stack import LocalStack

# A pipeline run takes a few seconds; a cold start on a loaded machine much longer.
PIPELINE_TIMEOUT_S = 180.0
PROGRESS_EVERY_S = 10.0


@dataclass(frozen=True)
class LiveFill:
    """One fill the platform booked: what the comparison needs of it."""

    time_ms: int
    side: str  # "buy" / "sell"
    quantity: Decimal
    price: Decimal
    fee: Decimal
    client_order_id: str


@dataclass
class LiveRun:
    fills: list[LiveFill]
    first_bar_ms: int  # the oldest bar the stack stored: where the backtest starts too
    bars: int
    signals: int


class StackDriver:
    """Fires a local stack's schedules at simulated instants."""

    def __init__(self, stack: LocalStack, clock: SimulatedClock) -> None:
        self.stack, self.clock = stack, clock
        account = stack.clients("sts").get_caller_identity()["Account"]
        self.scheduler = Scheduler(stack.clients, account, "us-east-1", stack.options.stack_name)
        self.rules = {rule["Name"]: rule for rule in self.scheduler.schedule_rules()}

    def fire(self, function: str) -> list[dict[str, Any]]:
        """The schedule rule of ``function`` fired now (the simulated now), waited for."""
        rule = next(r for name, r in self.rules.items() if function in name)
        when = datetime.fromtimestamp(self.clock.now_ms() / 1000, UTC)
        answers = self.scheduler.fire(rule, when, wait=True)
        failed = [a for a in answers if a.get("error")]
        if failed:
            raise RuntimeError(f"{function} failed at {when.isoformat()}: {failed[0]['error']}")
        return answers

    def settle(self) -> None:
        """Until the invocations the fired functions started (generate_signals) have finished."""
        runtime = self.stack.emulator.runtime if self.stack.emulator else None
        if runtime is not None:
            runtime.wait_for_events(PIPELINE_TIMEOUT_S)


def trade_period(
    stack: LocalStack,
    clock: SimulatedClock,
    config: StrategyConfig,
    start_ms: int,
    end_ms: int,
    progress: Callable[[str], None],
) -> LiveRun:
    """``config`` traded by the stack from ``start_ms`` to ``end_ms`` (bars closing in between)."""
    api, driver, tf = admin_api(stack), StackDriver(stack, clock), config.timeframe
    clock.set(start_ms)
    _call(api, "POST", "/assets/enable", {"exchange": config.exchange, "symbol": config.symbol, "history_days": 0})
    driver.fire("CollectOhlcvFunction")  # the first collection: the hour before the period
    driver.settle()
    _call(api, "POST", "/strategies", config.model_dump(mode="json"))
    first_bar = _first_stored_bar(start_ms, tf)
    signals, bars, told = 0, 0, time.monotonic()
    closes = range(start_ms + tf.ms, end_ms + 1, tf.ms)
    for close in closes:
        clock.set(close)
        if config.protection is not None:
            driver.fire("SyncOrdersFunction")  # resting exits meet the minutes of the bar just closed
        driver.fire("CollectOhlcvFunction")
        driver.settle()
        bars += 1
        signal_id = signal_id_for(config.strategy_id, config.symbol, tf.value, close - tf.ms)
        if _signal_sent(api, signal_id):
            signals += 1
            _wait_for_pipeline(api, signal_id)
        if time.monotonic() - told >= PROGRESS_EVERY_S or close == closes[-1]:
            told = time.monotonic()
            progress(f"live: bar {bars}/{len(closes)} closed {_iso(close)}, {signals} signals traded")
    _call(api, "POST", f"/strategies/{config.strategy_id}/deactivate")
    return LiveRun(_fills(api, config), first_bar, bars, signals)


def _call(api: Api, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
    status, answer = api.call(method, path, body, **params)
    if status >= 300:
        raise RuntimeError(f"{method} {path}: HTTP {status} {answer}")
    return answer


def _first_stored_bar(start_ms: int, tf: Timeframe) -> int:
    """The first whole bar of what the first collection stored (its window before ``start_ms``)."""
    first_minute = start_ms - FIRST_WINDOW_CANDLES * MINUTE_MS
    return -(-first_minute // tf.ms) * tf.ms


def _signal_sent(api: Api, signal_id: str) -> bool:
    status, body = api.call("GET", f"/signals/{signal_id}")
    return status == 200 and body is not None


def _wait_for_pipeline(api: Api, signal_id: str) -> dict[str, Any]:
    done = poll(lambda: finished_signal(api, signal_id), PIPELINE_TIMEOUT_S, every_s=0.2)
    if done is None:
        raise RuntimeError(f"the pipeline of {signal_id} did not finish within {PIPELINE_TIMEOUT_S:.0f}s")
    return dict(done)


def _fills(api: Api, config: StrategyConfig) -> list[LiveFill]:
    """Every fill of the orders of the replay's stack (the strategy's entries, closes and exits:
    the stack is the replay's own), each at its own time (a resting exit's minute, not the sync
    that learned of it), as ``GET /orders/{id}`` reports them."""
    symbol = config.symbol.replace("/", "")
    listed = _call(api, "GET", "/orders", limit=500)["orders"]
    filled = [o for o in listed if o["symbol"] == symbol and Decimal(o.get("filled_qty") or 0) > 0]
    fills = []
    for listing in filled:
        client_order_id = listing["client_order_id"]
        order = _call(api, "GET", f"/orders/{client_order_id}")["order"]
        fills += [
            LiveFill(
                time_ms=int(fill["ts_ms"]),
                side=fill["side"],
                quantity=Decimal(fill["quantity"]),
                price=Decimal(fill["price"]),
                fee=Decimal(fill.get("fee") or 0),
                client_order_id=client_order_id,
            )
            for fill in order.get("fills") or []
        ] or [_whole(listing)]  # filled as it was placed: the order's report is its one fill
    return fills


def _whole(order: dict[str, Any]) -> LiveFill:
    return LiveFill(
        time_ms=int(order["ts_ms"]),
        side=order["side"],
        quantity=Decimal(order["filled_qty"]),
        price=Decimal(order["avg_fill_price"]),
        fee=Decimal(order.get("fees") or 0),
        client_order_id=order["client_order_id"],
    )


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
