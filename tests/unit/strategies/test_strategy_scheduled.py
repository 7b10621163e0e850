"""A strategy evaluated once per closed bar: which bars are due, and what each one says."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from fks.market_data.timeframes import HOUR_MS, MINUTE_MS, Timeframe
from fks.signals import Side
from fks.strategies import Candles, get_strategy
from fks.strategies.configs import StrategyConfig
from fks.strategies.live_sizing import Holding
from fks.strategies.scheduled import INCOMPLETE_GRACE_MS, due_bars, evaluate_due, lookback_bars
from tests.unit.backtest.stubs import CandleStubs

H1 = Timeframe.H1
T0 = 1_704_067_200_000  # 2024-01-01T00:00:00Z
CONFIG = StrategyConfig(strategy_id="sma-h", strategy="sma_cross", symbol="BTC/USDT", params={"fast": 3, "slow": 8})


def _hours(bars: int = 300) -> Candles:
    """Swinging hourly bars from T0 (the waves stub, on an hourly grid)."""
    waves = CandleStubs.waves(bars)
    return Candles(
        T0 + HOUR_MS * np.arange(bars, dtype=np.int64),
        *(getattr(waves, c) for c in ("open", "high", "low", "close", "volume")),
    )


def _without(candles: Candles, bar_time: int) -> Candles:
    keep = candles.open_time != bar_time
    return Candles(*(getattr(candles, c)[keep] for c in ("open_time", "open", "high", "low", "close", "volume")))


def test_a_strategy_never_evaluated_starts_at_the_newest_closed_bar() -> None:
    assert due_bars(H1, None, T0 + 5 * HOUR_MS, limit=30) == ([T0 + 5 * HOUR_MS], 0)


def test_no_bar_is_due_twice_and_none_before_its_data_is_stored() -> None:
    assert due_bars(H1, T0 + 5 * HOUR_MS, T0 + 5 * HOUR_MS, limit=30) == ([], 0)
    assert due_bars(H1, T0 + 5 * HOUR_MS, None, limit=30) == ([], 0)


def test_after_downtime_every_missed_bar_is_due_in_order() -> None:
    due, dropped = due_bars(H1, T0, T0 + 4 * HOUR_MS, limit=30)

    assert due == [T0 + HOUR_MS, T0 + 2 * HOUR_MS, T0 + 3 * HOUR_MS, T0 + 4 * HOUR_MS]
    assert dropped == 0


def test_catch_up_is_bounded_and_counts_what_it_dropped() -> None:
    due, dropped = due_bars(H1, T0, T0 + 100 * HOUR_MS, limit=10)

    assert due == [T0 + h * HOUR_MS for h in range(91, 101)]
    assert dropped == 90


def test_each_bar_evaluated_alone_or_caught_up_gives_the_same_signals() -> None:
    candles = _hours()
    bars = [int(t) for t in candles.open_time[200:260]]
    after = bars[-1] + HOUR_MS + MINUTE_MS

    one_by_one = [evaluate_due(CONFIG, candles, [bar], after).bars[0] for bar in bars]
    caught_up = evaluate_due(CONFIG, candles, bars, after)

    assert caught_up.cursor == bars[-1]
    assert [o.signal for o in caught_up.bars] == [o.signal for o in one_by_one]
    signalled = [o for o in caught_up.bars if o.signal is not None]
    assert signalled, "the waves stub crosses the averages within 60 hours"
    targets = get_strategy("sma_cross").target_positions(candles, CONFIG.params)
    for outcome in signalled:
        index = int(np.searchsorted(candles.open_time, outcome.bar_time))
        assert targets[index] != targets[index - 1]
        assert outcome.signal is not None
        assert outcome.signal.side is (Side.BUY if targets[index] > targets[index - 1] else Side.SELL)


def test_only_signals_of_the_newest_two_closed_bars_are_actionable() -> None:
    candles = _hours()
    bars = [int(t) for t in candles.open_time[150:290]]
    now = bars[-1] + HOUR_MS + MINUTE_MS  # the last due bar has just closed

    evaluation = evaluate_due(CONFIG, candles, bars, now)

    for outcome in evaluation.bars:
        if outcome.signal is not None:
            assert outcome.actionable is (outcome.bar_time >= bars[-2])
    assert any(o.signal is not None and not o.actionable for o in evaluation.bars)


def test_a_bar_with_a_hole_is_waited_for_then_given_up() -> None:
    candles = _hours()
    hole = int(candles.open_time[200])
    bars = [hole, hole + HOUR_MS]
    holed = _without(candles, hole)

    waiting = evaluate_due(CONFIG, holed, bars, hole + HOUR_MS + MINUTE_MS)
    given_up = evaluate_due(CONFIG, holed, bars, hole + HOUR_MS + INCOMPLETE_GRACE_MS)

    assert (waiting.bars, waiting.cursor, waiting.waiting_for) == ((), None, hole)
    assert [o.incomplete for o in given_up.bars] == [True, False]
    assert given_up.cursor == hole + HOUR_MS


def test_too_little_history_says_nothing_but_moves_on() -> None:
    candles = _hours(get_strategy("sma_cross").min_bars(CONFIG.params) - 1)
    last = int(candles.open_time[-1])

    evaluation = evaluate_due(CONFIG, candles, [last], last + HOUR_MS)

    assert evaluation.cursor == last
    assert [o.signal for o in evaluation.bars] == [None]


FIRST = 15  # the first bar evaluated: in the decline, with the slow average defined


def _trend(rise: int, fall: int) -> Candles:
    """A slow decline, a long rise, then a fall: a cross up, and the cross down ``rise`` hours later."""
    decline = 120.0 - 0.5 * np.arange(20)
    close = np.concatenate([decline, 110.0 + np.arange(1, rise + 1), 110.0 + rise - 2.0 * np.arange(1, fall + 1)])
    times = T0 + HOUR_MS * np.arange(close.size, dtype=np.int64)
    return Candles(times, close, close + 1, close - 1, close, np.ones(close.size))


def test_a_position_opened_before_the_window_is_closed_by_the_cross_the_window_sees() -> None:
    # Live reads only the lookback before each bar: by the cross down, the cross up that opened the
    # long has left the window, which reads flat until the cross. The held target, carried from bar
    # to bar as the cursor carries it, still closes the long, as the backtest over the whole does.
    lookback = lookback_bars(CONFIG)
    candles = _trend(rise=3 * lookback, fall=20)
    bars = [int(t) for t in candles.open_time[FIRST:]]
    held: Holding | None = None
    live: list[tuple[int, Side, Decimal]] = []
    for index, bar in enumerate(bars, start=FIRST):
        window = candles.window(max(0, index + 1 - lookback), index + 1)
        evaluation = evaluate_due(CONFIG, window, [bar], bar + HOUR_MS, held)
        held = evaluation.held
        live += [(bar, s.side, s.quantity) for o in evaluation.bars if (s := o.signal) is not None]
    whole = evaluate_due(CONFIG, candles, bars, bars[-1] + HOUR_MS)
    backtest_like = [(o.bar_time, s.side, s.quantity) for o in whole.bars if (s := o.signal) is not None]

    assert live == backtest_like
    assert [side for _, side, _ in live] == [Side.BUY, Side.SELL]
    assert live[1][0] - live[0][0] > lookback * HOUR_MS  # the entry was outside the exit's window
    assert held == Holding(Decimal(0), Decimal(0))


def test_a_cross_the_held_target_already_wants_trades_nothing() -> None:
    lookback = lookback_bars(CONFIG)
    candles = _trend(rise=lookback, fall=0)
    bars = [int(t) for t in candles.open_time[FIRST:]]

    fresh = evaluate_due(CONFIG, candles, bars, bars[-1] + HOUR_MS)
    already_long = evaluate_due(CONFIG, candles, bars, bars[-1] + HOUR_MS, held=Holding(Decimal(1), CONFIG.quantity))

    assert [o.signal.side for o in fresh.bars if o.signal is not None] == [Side.BUY]
    assert all(o.signal is None for o in already_long.bars)
    assert fresh.held == already_long.held == Holding(Decimal(1), CONFIG.quantity)
