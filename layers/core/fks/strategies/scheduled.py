"""A deployed strategy evaluated once per closed bar of its timeframe, on its schedule.

The schedule runs every minute, whatever the strategy's timeframe; which bars a run evaluates is
decided here, from three facts:

- the *newest ready bar*: the newest bar closed at ``now`` whose last base (1m) candle is stored
  (``CandleSeriesReader.newest_closed_bar``). A 1h bar is ready only after the collection that
  stored its 59th minute has finished, so a bar is never judged before its data is in, and a
  schedule that fires before collection simply finds nothing new and waits for the next minute;
- the *cursor*: the open time of the last bar the strategy was evaluated on, persisted between
  runs (the adapter keeps it in DynamoDB and advances it with a conditional update);
- ``now``: what is recent enough to act on.

``due_bars`` are the bars after the cursor up to the newest ready bar, oldest first: one per
closed bar, so a bar is never evaluated twice (the cursor has moved past it) and never skipped
(after downtime, every missed bar is due, in order). The catch-up is bounded by the strategy's
lookback: older missed bars could only yield signals far too stale to act on, and reading
them would make one run's work unbounded. A strategy never evaluated before starts at the newest
ready bar (it does not replay history it was not deployed for).

``evaluate_due`` judges each due bar with the candles up to and including it (the targets are
causal, so one pass over the window serves every bar). The window is clipped: a strategy that
holds a position from an event (a cross) before the window's first bar reads flat there. So the
position the strategy wants is not read from the window but carried on the cursor (``held``,
the target after the cursor's bar): a bar where the strategy's raw target changes (before
long-only clipping, so a cross down still counts when shorts are flat) sets the wanted level to
that bar's target, and a signal trades the difference between the position wanted and the one
held, in base units (``fks.strategies.live_sizing``) — as the backtester, which sees the whole
history, trades each change of its target. A strategy never evaluated
takes the window's target before its first bar as held (it does not chase a trend it was not
deployed for). Only signals of the newest ``FRESH_BARS`` closed bars are *actionable* (sent to the
pipeline); older ones, found while catching up, are recorded as stale and not traded, because
the price they were decided at is gone. A due bar that is not whole (a hole in its base candles
that backfill has not repaired) is waited for during ``INCOMPLETE_GRACE_MS`` after it closed,
so a backfill racing the schedule is not outrun; after that the bar is given up (counted), and
the bars after it go on.

Signal ids are derived from strategy, symbol, timeframe and bar time, so a replayed bar (two
overlapping runs, a retry after a crash before the cursor moved) yields the same id and is
recorded and executed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from fks.market_data.timeframes import MINUTE_MS, Timeframe, last_closed_open_time
from fks.signal_generation import signal_id_for
from fks.signals import Side, Signal
from fks.strategies.candles import Candles
from fks.strategies.configs import StrategyConfig
from fks.strategies.live_sizing import Holding, SizingFacts, position_for
from fks.strategies.registry import get_strategy

# Signals of the newest two closed bars are acted on, not only the newest: a run that lands while
# collection is still storing a bar's last minute evaluates that bar one minute late.
FRESH_BARS = 2
# Indicators seeded far enough back that EMA-style smoothing has settled, not just defined.
LOOKBACK_FACTOR = 3
# How long a closed bar with a hole is waited for before it is given up: backfill is started by
# the collection that found the hole and retried twice by Lambda within a few minutes.
INCOMPLETE_GRACE_MS = 10 * MINUTE_MS


@dataclass(frozen=True, slots=True)
class BarOutcome:
    bar_time: int
    signal: Signal | None = None
    actionable: bool = False  # False for a signal: recorded as stale, not sent
    incomplete: bool = False  # given up: the bar never became whole


@dataclass(frozen=True, slots=True)
class EvaluatedUpTo:
    """What the cursor keeps: the last bar evaluated and the target the strategy wanted after it."""

    bar_time: int
    held: Holding | None = None  # None: a cursor written before targets were kept


@dataclass(frozen=True, slots=True)
class ScheduledEvaluation:
    bars: tuple[BarOutcome, ...]
    cursor: int | None  # the newest bar settled by this evaluation (None: none)
    waiting_for: int | None = None  # an incomplete bar still inside its grace period
    held: Holding | None = None  # what the strategy wanted after ``cursor`` (None: not known yet)

    @property
    def evaluated_up_to(self) -> EvaluatedUpTo | None:
        return None if self.cursor is None else EvaluatedUpTo(self.cursor, self.held)


def lookback_bars(config: StrategyConfig) -> int:
    """How many bars before a due bar its evaluation reads (and the most missed bars caught up):
    enough for the strategy's indicators to have forgotten where the window starts."""
    strategy = get_strategy(config.strategy)
    params = strategy.validate_params(config.params)
    return max(strategy.min_bars(params) * LOOKBACK_FACTOR, strategy.settle_bars(params) + 2)


def due_bars(timeframe: Timeframe, cursor: int | None, newest: int | None, limit: int) -> tuple[list[int], int]:
    """The open times to evaluate, oldest first, and how many missed bars beyond ``limit`` were dropped."""
    if newest is None:
        return [], 0
    if cursor is None:
        return [newest], 0
    first = cursor + timeframe.ms
    if newest < first:
        return [], 0
    missed = (newest - first) // timeframe.ms + 1
    dropped = max(0, missed - limit)
    return list(range(first + dropped * timeframe.ms, newest + 1, timeframe.ms)), dropped


def fresh_from(timeframe: Timeframe, now_ms: int) -> int:
    """The oldest bar whose signal is still acted on at ``now_ms``."""
    return last_closed_open_time(now_ms, timeframe) - (FRESH_BARS - 1) * timeframe.ms


def evaluate_due(
    config: StrategyConfig,
    candles: Candles,
    due: Sequence[int],
    now_ms: int,
    held: Holding | None = None,
    facts: SizingFacts | None = None,
) -> ScheduledEvaluation:
    """Each due bar judged on ``candles`` (whole bars up to the last due one, with the lookback
    before), from ``held``, what the strategy wanted after the bar before the first due one.
    ``facts`` (the lot step, the account's equity) size quote and fraction orders."""
    tf = config.timeframe
    strategy = get_strategy(config.strategy)
    min_bars = strategy.min_bars(config.params)
    targets = strategy.target_positions(candles, config.params) if len(candles) else np.empty(0, dtype=np.float64)
    actionable_from = fresh_from(tf, now_ms)
    outcomes: list[BarOutcome] = []
    cursor: int | None = None

    def holding(level: Decimal, index: int) -> Holding:
        close = Decimal(repr(float(candles.close[index])))
        return Holding(level, position_for(config, config.exchange, config.symbol, level, close, facts))

    for bar in due:
        index = int(np.searchsorted(candles.open_time, bar))
        if index >= len(candles) or int(candles.open_time[index]) != bar:
            if now_ms < bar + tf.ms + INCOMPLETE_GRACE_MS:
                return ScheduledEvaluation(tuple(outcomes), cursor, waiting_for=bar, held=held)
            outcomes.append(BarOutcome(bar, incomplete=True))
        elif index + 1 >= min_bars:
            if held is None:  # never evaluated: as if it had followed the window's target
                held = holding(_wanted(config, targets[index - 1]), index - 1)
            # Exact: a target is a level the strategy chose, and only a change of it is news.
            if targets[index] != targets[index - 1] and (wanted := _wanted(config, targets[index])) != held.level:
                now_held = holding(wanted, index)
                change = now_held.quantity - held.quantity
                signal = _signal(config, bar, change) if change else None
                outcomes.append(BarOutcome(bar, signal, actionable=signal is not None and bar >= actionable_from))
                held = now_held
            else:
                outcomes.append(BarOutcome(bar))
        else:
            outcomes.append(BarOutcome(bar))  # not enough history yet
        cursor = bar
    return ScheduledEvaluation(tuple(outcomes), cursor, held=held)


def _wanted(config: StrategyConfig, target: float) -> Decimal:
    """A raw target as the level traded: shortest decimal, short leg flat when long-only (as the
    backtester reads it)."""
    level = Decimal(repr(float(target)))
    if not config.allow_short:
        level = max(level, Decimal(0))
    if level == level.to_integral_value():  # 1, not 1.0, so 0.001 x 1 stays 0.001
        level = level.to_integral_value()
    return level + 0  # -0 is 0


def _signal(config: StrategyConfig, bar_time: int, change: Decimal) -> Signal:
    """The order of a change of the position wanted on ``bar_time`` (signed base units): up buys,
    down sells (a reversal from long to short sells both positions)."""
    return Signal(
        signal_id=signal_id_for(config.strategy_id, config.symbol, config.timeframe.value, bar_time),
        strategy_id=config.strategy_id,
        exchange=config.exchange,
        symbol=config.symbol,
        side=Side.BUY if change > 0 else Side.SELL,
        quantity=abs(change),
        timeframe=config.timeframe.value,
        bar_time=bar_time,
        mode=config.mode,
        approval_window_s=config.approval_window_s,
        asset_class=config.asset_class,
        protection=config.protection,
    )
