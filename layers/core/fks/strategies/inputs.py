"""What a strategy is evaluated on, read the same way by backtests, optimisations, ``generate_signals``
and ``fks strategy check``: its own bars and its informative series, all resampled by one
``CandleSeriesReader`` from the stored base, the informative ones aligned without lookahead
(``fks.strategies.informative``).

Live, a bar is ready only when every informative bar it may see is stored too: an ETH 1h bar closing
at midnight waits for BTC's 23:59 minute, so the signal sees the same BTC day a backtest would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.market_data.timeframes import Timeframe, floor_time
from fks.strategies.base import Strategy
from fks.strategies.candles import Candles, as_candles
from fks.strategies.informative import Informative, attach
from fks.strategies.models import ModelSource, served_models

if TYPE_CHECKING:  # frames come from the candle store, which imports pandas when it reads
    import pandas as pd


def candles_from_frame(frame: pd.DataFrame) -> Candles:
    """A stored candle frame as the strategies' arrays."""
    # Stored prices are exact decimals; strategies compute in float64, and the backtest's bar loop
    # reads the prices back on the venue's 10^-8 grid (fks_execution_core::simulation).
    columns: dict[str, Any] = {"open_time": frame["open_time"].to_numpy(dtype=np.int64)}
    for name in ("open", "high", "low", "close", "volume"):
        columns[name] = frame[name].astype("float64").to_numpy()
    return as_candles(columns)


def informative_key(key: SeriesKey, spec: Informative) -> SeriesKey:
    return SeriesKey(key.exchange, spec.symbol or key.symbol, spec.timeframe)


def declared(strategy: Strategy, params: Mapping[str, object]) -> tuple[Informative, ...]:
    return tuple(strategy.informative(strategy.validate_params(params)))


def read_strategy_candles(
    reader: CandleSeriesReader,
    strategy: Strategy,
    params: Mapping[str, object],
    key: SeriesKey,
    start_ms: int,
    end_ms: int,
    models: ModelSource | None = None,
) -> Candles:
    """The strategy's bars of ``key`` in ``[start_ms, end_ms)`` with its informative series and its
    stored models attached (a missing, mismatched or too old model is a refusal naming it)."""
    base = candles_from_frame(reader.read(key, start_ms, end_ms))
    return with_models(strategy, params, key, with_informative(reader, strategy, params, key, base), models)


def with_models(
    strategy: Strategy, params: Mapping[str, object], key: SeriesKey, candles: Candles, source: ModelSource | None
) -> Candles:
    needs = tuple(strategy.models(strategy.validate_params(params)))
    if not needs:
        return candles
    newest = int(candles.open_time[-1]) if len(candles) else None
    return candles.with_models(served_models(needs, key, newest, source, strategy.name))


def with_informative(
    reader: CandleSeriesReader, strategy: Strategy, params: Mapping[str, object], key: SeriesKey, base: Candles
) -> Candles:
    specs = declared(strategy, params)
    if not specs:
        return base
    for spec in specs:  # a timeframe the base cannot build is a 400 naming it, before any read
        reader.base_key(informative_key(key, spec))
    if not len(base):
        return attach(base, key.timeframe, {spec: base.head(0) for spec in specs})
    first_close = int(base.open_time[0]) + key.timeframe.ms
    last_close = int(base.open_time[-1]) + key.timeframe.ms
    series: dict[Informative, Candles] = {}
    for spec in specs:
        tf = spec.timeframe
        # The bar visible at the first strategy bar, and ``spec.bars`` before it for its warm-up.
        start = floor_time(first_close, tf) - (spec.bars + 1) * tf.ms
        series[spec] = candles_from_frame(reader.read(informative_key(key, spec), start, last_close))
    return attach(base, key.timeframe, series)


def newest_ready_bar(
    reader: CandleSeriesReader, strategy: Strategy, params: Mapping[str, object], key: SeriesKey, now_ms: int
) -> tuple[int | None, list[str]]:
    """The newest bar of ``key`` whose own data and every informative bar it may see are stored,
    and the informative series that hold nothing at all (the strategy cannot be evaluated)."""
    newest = reader.newest_closed_bar(key, now_ms)
    missing: list[str] = []
    for spec in declared(strategy, params):
        info_newest = reader.newest_closed_bar(informative_key(key, spec), now_ms)
        if info_newest is None:
            missing.append(str(informative_key(key, spec)))
            continue
        limit = ready_with(key.timeframe, spec.timeframe, info_newest)
        newest = None if newest is None else min(newest, limit)
    return (None if missing else newest), missing


def ready_with(tf: Timeframe, info_tf: Timeframe, info_newest: int) -> int:
    """The newest bar of ``tf`` whose last visible ``info_tf`` bar opens no later than ``info_newest``.

    Bar t sees the ``info_tf`` bar opening at ``floor(t + tf, info_tf) - info_tf``; that is stored for
    every t with ``t + tf < info_newest + 2 * info_tf``.
    """
    return floor_time(info_newest + 2 * info_tf.ms - 1 - tf.ms, tf)
