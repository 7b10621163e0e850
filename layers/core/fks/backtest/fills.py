"""From target exposure to filled trades, vectorised over bars and trades.

The fill model, in one place:

* ``held[t] = target[t - 1]``: what a strategy wants after bar t closes is first held at bar
  t + 1's open. This shift is the engine's no-lookahead guarantee; nothing else in the engine
  reads a target.
* A change of held exposure closes the open trade and opens the next one at that bar's open
  (a resize is a close plus an open, both charged). Market fills pay slippage.
* A stop-loss / take-profit is checked on every bar from the entry bar on, against its low and
  high. A bar that opens beyond a level fills at the open (a gap gives no better price to a stop
  and no worse price to a limit); if a bar touches both levels the stop is assumed first, the
  pessimistic reading of an OHLC bar. After a stop the position stays flat until the target
  changes: the strategy has to signal again to re-enter.
* A trade still open on the last bar closes at its close (``end_of_data``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from fks.backtest.config import BacktestConfig
from fks.strategies.candles import Candles, FloatArray, IntArray

SIGNAL, STOP_LOSS, TAKE_PROFIT, END_OF_DATA = 0, 1, 2, 3
ExitReason = Literal["signal", "stop_loss", "take_profit", "end_of_data"]
EXIT_REASONS: tuple[ExitReason, ...] = ("signal", "stop_loss", "take_profit", "end_of_data")


@dataclass(frozen=True, slots=True)
class Fills:
    """One row per trade; prices include slippage. ``side`` is +1 long / -1 short and ``size``
    the |target| in (0, 1] that scales the position."""

    entry_bar: IntArray
    exit_bar: IntArray
    side: FloatArray
    size: FloatArray
    entry_price: FloatArray
    exit_price: FloatArray
    exit_reason: npt.NDArray[np.int8]
    exit_fee_rate: FloatArray

    def __len__(self) -> int:
        return int(self.entry_bar.shape[0])

    def head(self, count: int) -> Fills:
        return replace(self, **{name: getattr(self, name)[:count] for name in self.__dataclass_fields__})


def held_exposure(targets: FloatArray) -> FloatArray:
    """Exposure held during each bar: the target decided at the previous close."""
    held = np.empty_like(targets)
    held[0] = 0.0
    held[1:] = targets[:-1]
    return held


def extract_fills(candles: Candles, held: FloatArray, config: BacktestConfig) -> Fills:
    n = held.shape[0]
    before = np.empty_like(held)
    before[0] = 0.0
    before[1:] = held[:-1]
    changes = np.flatnonzero(held != before)
    bounds = np.append(changes, n)
    opens_trade = held[changes] != 0.0
    starts = changes[opens_trade]
    ends = bounds[1:][opens_trade]  # the bar at whose open the trade is closed, or n
    side = np.sign(held[starts])
    slip = config.slippage_rate
    at_end = ends >= n
    exit_bar = np.where(at_end, n - 1, ends)
    raw_exit = np.where(at_end, candles.close[n - 1], candles.open[np.minimum(ends, n - 1)])
    fills = Fills(
        entry_bar=starts.astype(np.int64),
        exit_bar=exit_bar.astype(np.int64),
        side=side,
        size=np.abs(held[starts]),
        entry_price=candles.open[starts] * (1.0 + side * slip),
        exit_price=raw_exit * (1.0 - side * slip),
        exit_reason=np.where(at_end, END_OF_DATA, SIGNAL).astype(np.int8),
        exit_fee_rate=np.full(starts.shape[0], config.taker_rate),
    )
    if len(fills) and (config.stop_loss_pct is not None or config.take_profit_pct is not None):
        _apply_stops(candles, fills, last_bar=ends - 1, config=config)
    return fills


def _apply_stops(candles: Candles, fills: Fills, last_bar: IntArray, config: BacktestConfig) -> None:
    """Move each trade's exit to the first bar touching its stop-loss or take-profit, if any.

    No loop over bars or trades: every bar inside a trade is laid out once (at most n rows),
    tagged with its trade, compared with that trade's levels, and the first hit per trade is
    where the trade number changes along the hit list. Writes into ``fills`` in place: it was
    built a moment ago by ``extract_fills`` and nothing else holds its arrays yet.
    """
    side, entry = fills.side, fills.entry_price
    lengths = last_bar - fills.entry_bar + 1
    trade = np.repeat(np.arange(len(fills)), lengths)
    offsets = np.cumsum(lengths) - lengths
    bars = np.arange(trade.shape[0]) - offsets[trade] + fills.entry_bar[trade]
    bar_side = side[trade]
    adverse = np.where(bar_side > 0, candles.low[bars], candles.high[bars])
    favourable = np.where(bar_side > 0, candles.high[bars], candles.low[bars])
    no_level = np.full(len(fills), np.nan)  # NaN compares false: a level never set never hits
    sl = float(config.stop_loss_pct) / 100 if config.stop_loss_pct is not None else None
    tp = float(config.take_profit_pct) / 100 if config.take_profit_pct is not None else None
    sl_level = entry * (1.0 - side * sl) if sl is not None else no_level
    tp_level = entry * (1.0 + side * tp) if tp is not None else no_level
    sl_hit = bar_side * (adverse - sl_level[trade]) <= 0.0
    tp_hit = bar_side * (favourable - tp_level[trade]) >= 0.0
    hits = np.flatnonzero(sl_hit | tp_hit)
    if hits.size == 0:
        return
    first = hits[np.r_[True, trade[hits][1:] != trade[hits][:-1]]]
    which, bar = trade[first], bars[first]
    s, bar_open = side[which], candles.open[bar]
    tp_gapped = tp_hit[first] & (s * (bar_open - tp_level[which]) >= 0.0)
    stopped = sl_hit[first] & ~tp_gapped
    sl_fill = np.where(s * (bar_open - sl_level[which]) <= 0.0, bar_open, sl_level[which])
    tp_fill = np.where(tp_gapped, bar_open, tp_level[which])
    fills.exit_bar[which] = bar
    fills.exit_price[which] = np.where(stopped, sl_fill * (1.0 - s * config.slippage_rate), tp_fill)
    fills.exit_reason[which] = np.where(stopped, STOP_LOSS, TAKE_PROFIT)
    fills.exit_fee_rate[which] = np.where(stopped, config.taker_rate, config.maker_rate)
