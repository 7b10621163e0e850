"""A briefing's "how this strategy did in this regime": read from the stored backtests of the
signal's strategy on its market, and from the strategy's earlier signals in the retrieval index,
each labelled by the asset's stored regime model (``fks.ai.regime_performance``).

Bounded so a briefing stays a few seconds at most: the newest ``MAX_BACKTESTS`` matching backtests
among the newest ``MAX_SCANNED`` stored, and regime labels over at most ``LABEL_BARS`` bars of the
model's timeframe before the signal (older trades are counted as ``unknown``, and said so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fks.ai.documents import DocumentKind
from fks.ai.market_state import forward_returns
from fks.ai.regime_performance import (
    NO_SIGNALS,
    NO_TRADES,
    RegimeLabels,
    backtest_by_regime,
    in_regime,
    live_by_regime,
)
from fks.errors import FksError, NotFound
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey, symbol_to_partition
from fks.market_data.timeframes import parse_timeframe
from fks.ml.features import FEATURE_WARMUP
from fks.ml.regimes import RegimeModel
from fks.strategies.candles import Candles
from fks.strategies.inputs import candles_from_frame
from fks_adapters.ai.store import IndexCache
from fks_adapters.ml.model_store import ModelStore
from fks_adapters.strategies.results import ResultStore
from fks_adapters.strategies.table import StrategyTable

MAX_BACKTESTS = 5
MAX_SCANNED = 200
LABEL_BARS = 5000  # at 1h, about 7 months
_PAGE = 50


@dataclass(frozen=True)
class PerformanceSources:
    strategies: StrategyTable
    backtests: ResultStore
    models: ModelStore
    candles: CandleSeriesReader
    index: IndexCache


def _strategy_backtests(
    sources: PerformanceSources, strategy: str, signal: dict[str, Any]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The ids and trades of the newest stored backtests of ``strategy`` on the signal's market."""
    wanted = {"strategy": strategy, "symbol": signal["symbol"], "timeframe": signal["timeframe"]}
    ids: list[str] = []
    scanned, cursor = 0, None
    while len(ids) < MAX_BACKTESTS and scanned < MAX_SCANNED:
        page, cursor = sources.backtests.list_recent(_PAGE, cursor)
        scanned += len(page)
        ids += [s["id"] for s in page if all(s.get(k) == v for k, v in wanted.items()) and "metrics" in s]
        if cursor is None:
            break
    ids = ids[:MAX_BACKTESTS]
    trades = [trade for result_id in ids for trade in sources.backtests.get(result_id).get("trades", [])]
    return ids, trades


def _earlier_signals(sources: PerformanceSources, signal: dict[str, Any]) -> list[dict[str, Any]]:
    """The strategy's signals on this market before this one's bar, as the index last saw them."""
    try:
        entries = sources.index.current().entries.values()
    except NotFound:
        return []
    same = ("strategy_id", "symbol", "timeframe")
    return [
        entry["summary"]
        for entry in entries
        if entry["summary"]["kind"] == DocumentKind.SIGNAL.value
        and all(entry["summary"].get(k) == signal[k] for k in same)
        and int(entry["summary"]["bar_time"]) < int(signal["bar_time"])
    ]


def _labels(sources: PerformanceSources, signal: dict[str, Any], since_ms: int) -> tuple[RegimeLabels, str]:
    stored = sources.models.latest(symbol_to_partition(signal["symbol"]), "regime")
    timeframe = str(stored.metadata.get("timeframe", "1h"))
    key = SeriesKey.of(signal["exchange"], signal["symbol"], timeframe)
    tf = key.timeframe.ms
    bar_end = int(signal["bar_time"]) + parse_timeframe(signal["timeframe"]).ms
    start = max(since_ms, bar_end - LABEL_BARS * tf) - (FEATURE_WARMUP + 1) * tf
    candles = candles_from_frame(sources.candles.read(key, start, bar_end))
    labels = RegimeModel.from_json(stored.model).regimes(candles)
    return RegimeLabels(candles.open_time, labels, tf), stored.version


def strategy_performance(
    signal: dict[str, Any], regime: str | None, candles: Candles, horizon: int, sources: PerformanceSources
) -> dict[str, Any]:
    """The briefing's ``performance``: backtests and live signals of the signal's strategy by regime,
    with the figures of ``regime`` (the signal's bar's) first; ``candles`` are the signal's own
    series up to its bar (the live signals' outcomes are read there)."""
    if regime is None:
        return {"available": False, "reason": "the regime at the signal's bar is unknown"}
    try:
        strategy: str | None = sources.strategies.get(signal["strategy_id"]).strategy
    except NotFound:
        strategy = None  # a signal posted by hand, or its strategy since deleted: live figures only
    ids, trades = _strategy_backtests(sources, strategy, signal) if strategy else ([], [])
    earlier = _earlier_signals(sources, signal)
    times = [int(t["entry_time"]) for t in trades] + [int(s["bar_time"]) for s in earlier]
    try:
        labels, version = _labels(sources, signal, min(times, default=int(signal["bar_time"])))
    except FksError as error:
        return {"available": False, "reason": str(error)}

    close, opens = np.asarray(candles.close), np.asarray(candles.open_time)
    ahead, last_row = forward_returns(close, horizon), len(close) - 1
    row_of = {int(t): i for i, t in enumerate(opens)}

    def forward(bar_time: int) -> float | None:
        row = row_of.get(bar_time)
        known = row is not None and row + horizon <= last_row and np.isfinite(ahead[row])
        return float(ahead[row]) if known and row is not None else None

    if strategy is None:
        tested: dict[str, Any] = {"reason": f"strategy {signal['strategy_id']} is not a stored strategy"}
    elif not ids:
        tested = {"reason": f"no stored backtest of {strategy} on {signal['symbol']} {signal['timeframe']}"}
    else:
        tested = {
            "strategy": strategy,
            "backtest_ids": ids,
            **in_regime(regime, backtest_by_regime(trades, labels), NO_TRADES),
        }
    return {
        "available": True,
        "regime": regime,
        "model_version": version,
        "horizon_bars": horizon,
        "backtests": tested,
        "live": in_regime(regime, live_by_regime(earlier, labels, forward), NO_SIGNALS),
    }
