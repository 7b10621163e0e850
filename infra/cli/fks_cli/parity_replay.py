"""``fks replay`` on the real path: a strategy traded over a period by a local paper stack on a
simulated clock (``fks_cli.parity_live``), then backtested on the candles that stack stored, and
the two compared fill by fill (``fks_cli.parity_compare``).

The stack is the project's own template deployed locally in paper mode, started for the replay
and stopped afterwards: nothing is deployed for the replay that production does not run. Its
schedules are not started; the replay fires them itself at each simulated bar close.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import requests

from fks.backtest import run_backtest
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.strategies import get_strategy
from fks.strategies.configs import StrategyConfig
from fks.strategies.execution_settings import backtest_config
from fks.strategies.inputs import read_strategy_candles
from fks_adapters.market_data.s3_store import S3CandleStore
from fks_cli.paper_loop import PAPER_PARAMETERS
from fks_cli.parity_compare import Parity, compare
from fks_cli.parity_live import LiveRun, trade_period
from fks_local.sim_clock import SimulatedClock
from fks_local.stack import LocalStack, StackOptions


@dataclass(frozen=True)
class ParityReplay:
    config: StrategyConfig
    start_ms: int
    end_ms: int
    initial_cash: Decimal = Decimal("10000")


@dataclass(frozen=True)
class ParityOutcome:
    parity: Parity
    live: LiveRun
    candles: object  # fks.strategies.Candles: the bars both sides saw


def replay_on(
    stack: LocalStack, clock: SimulatedClock, replay: ParityReplay, progress: Callable[[str], None]
) -> ParityOutcome:
    """Trade the period on ``stack`` (started with ``clock``), backtest it, compare."""
    config = replay.config
    live = trade_period(stack, clock, config, replay.start_ms, replay.end_ms, progress)
    assert stack.deployed is not None
    store = S3CandleStore(stack.deployed.outputs["DataBucketName"], stack.clients("s3"))
    key = SeriesKey.of(config.exchange, config.symbol, config.timeframe)
    strategy = get_strategy(config.strategy)
    candles = read_strategy_candles(
        CandleSeriesReader(store), strategy, config.params, key, live.first_bar_ms, replay.end_ms, None
    )
    tick, step = _filters(stack, config.symbol)
    # The venue's lot step: live rounds a quote or fraction order down to it, so the backtest does.
    extra: dict[str, object] = {"initial_cash": replay.initial_cash, "quantity_step": step}
    settings = backtest_config(config.settings(), config.exchange, extra)
    progress(f"backtest: {len(candles)} {key.timeframe.value} bars of the stored candles")
    result = run_backtest(candles, strategy, config.params, settings)
    parity = compare(live.fills, result, candles, key.timeframe.ms, tick)
    return ParityOutcome(parity, live, candles)


def replay_on_new_stack(replay: ParityReplay, progress: Callable[[str], None]) -> ParityOutcome:
    """The replay on a paper stack of its own, started with a simulated clock and stopped after."""
    with tempfile.TemporaryDirectory(prefix="fks-replay-") as state:
        clock = SimulatedClock(Path(state) / "clock")
        clock.set(replay.start_ms)
        started = time.monotonic()
        options = StackOptions(
            state_dir=Path(state),
            stack_name="fks-replay",
            parameters=dict(PAPER_PARAMETERS),
            schedules=False,
            clock_file=clock.path,
        )
        with LocalStack(options) as stack:
            progress(f"local paper stack up in {time.monotonic() - started:.0f}s (simulated clock)")
            return replay_on(stack, clock, replay, progress)


def _filters(stack: LocalStack, symbol: str) -> tuple[Decimal, Decimal]:
    """The venue's price tick (the tolerance of a price match) and lot step of ``symbol``, from
    its exchangeInfo."""
    assert stack.simulator is not None
    info = requests.get(
        f"{stack.simulator.url}/api/v3/exchangeInfo", params={"symbol": symbol.replace("/", "")}, timeout=30
    ).json()
    filters = {f["filterType"]: f for f in info["symbols"][0]["filters"]}
    return Decimal(filters["PRICE_FILTER"]["tickSize"]), Decimal(filters["LOT_SIZE"]["stepSize"])
