"""``fks replay`` on the real path: a local paper stack on a simulated clock trades a strategy
over stored-to-be history (collection of the simulator's 1m candles, generate_signals, the
pipeline, execute_order in paper mode, the order sync), and the backtester, run on the candles
that stack stored, makes the same fills."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from fks.market_data.timeframes import Timeframe
from fks.strategies.configs import StrategyConfig
from fks_cli.commands_backtest import parse_time
from fks_cli.paper_loop import PAPER_PARAMETERS
from fks_cli.parity_replay import ParityReplay, replay_on
from fks_local.sim_clock import SimulatedClock
from fks_local.stack import LocalStack, StackOptions

# The project's Lambda runtime runs the functions on the simulated clock: moto only.
pytestmark = pytest.mark.moto_only
# Three hours of 15m bars: two entries and both their trailing stops fill by 02:45 (the fixed costs,
# a stack of its own and the functions' cold starts, are most of this module's time).
START, END = parse_time("2024-03-01", "start"), parse_time("2024-03-01T03:00", "end")


@pytest.fixture(scope="module")
def replay_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, SimulatedClock]]:
    """A paper stack of its own (its clock is the replay's), no schedules: the replay fires them."""
    state: Path = tmp_path_factory.mktemp("replay")
    clock = SimulatedClock(state / "clock")
    clock.set(START)
    options = StackOptions(
        state_dir=state,
        stack_name="fks-replay",
        parameters={**PAPER_PARAMETERS, "Stage": "replay"},
        schedules=False,
        clock_file=clock.path,
    )
    with LocalStack(options) as stack:
        yield stack, clock


def test_a_strategy_with_exits_traded_through_the_real_path_fills_as_its_backtest(
    replay_stack: tuple[LocalStack, SimulatedClock],
) -> None:
    stack, clock = replay_stack
    config = StrategyConfig(
        strategy_id="rp-sma",
        strategy="sma_cross",
        symbol="BTC/USDT",
        timeframe=Timeframe.M15,
        params={"fast": 3, "slow": 8},
        quantity=Decimal("0.002"),
        # Exits the paper venue rests and the order sync fills and trails, as the backtester does.
        stop_loss_pct=Decimal("0.5"),
        trailing_stop_pct=Decimal("0.4"),
        active=True,
    )
    told: list[str] = []

    outcome = replay_on(stack, clock, ParityReplay(config, START, END), told.append)

    parity = outcome.parity
    assert parity.mismatches == []
    assert parity.all_matched
    assert len(parity.live) >= 2  # an entry and its exit at least: the comparison compared something
    assert any(e.what.endswith("-t0") for e in parity.live)  # a trailing stop filled on the venue
    assert {e.quantity for e in parity.live} == {Decimal("0.002")}
    assert parity.equity_difference_pct < 0.1
    assert parity.last_line().startswith(f"parity: live {len(parity.live)} trades, backtest {len(parity.live)} trades")
    assert any(line.startswith("live: bar 12/12") for line in told)
