"""A deployed strategy evaluated on the latest closed candles: the signal to act on now, if any.

Only a change of target on one of the newest ``fresh_bars`` bars is a signal: an older change was
either signalled by an earlier run (and its id makes a repeat harmless) or is too stale to act
on. Two bars, not one, so a run that lands just before a candle is stored does not lose it.
"""

from __future__ import annotations

from fks.signal_generation import latest_signal
from fks.signals import Signal
from fks.strategies.candles import CandlesLike, as_candles
from fks.strategies.configs import StrategyConfig
from fks.strategies.registry import get_strategy

FRESH_BARS = 2
# Indicators seeded far enough back that EMA-style smoothing has settled, not just defined.
LOOKBACK_FACTOR = 3


def lookback_bars(config: StrategyConfig) -> int:
    """How many of the newest candles ``evaluate`` needs."""
    return get_strategy(config.strategy).min_bars(config.params) * LOOKBACK_FACTOR


def evaluate(config: StrategyConfig, candles: CandlesLike, fresh_bars: int = FRESH_BARS) -> Signal | None:
    data = as_candles(candles)
    strategy = get_strategy(config.strategy)
    if len(data) < strategy.min_bars(config.params):
        return None  # not enough history yet (a newly enabled asset): nothing to say
    signal = latest_signal(
        strategy_id=config.strategy_id,
        exchange=config.exchange,
        symbol=config.symbol,
        timeframe=config.timeframe.value,
        open_times=data.open_time,
        targets=strategy.target_positions(data, config.params),
        quantity=config.quantity,
    )
    if signal is None or signal.bar_time < int(data.open_time[-fresh_bars:][0]):
        return None
    return signal.model_copy(
        update={"mode": config.mode, "approval_window_s": config.approval_window_s, "asset_class": config.asset_class}
    )
