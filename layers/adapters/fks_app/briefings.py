"""Each new signal's briefing, built when the pipeline first records it and stored on its record.

AiFunction reads the signals table's stream: a signal's first record (INSERT, written by
validate_signal) gets a briefing within seconds, long before a person approves a manual signal;
``GET /signals/{id}`` returns it with the record. An auto signal may already be on its way to
execution when its briefing lands: the briefing informs, it never gates. The write is conditional
on the record having none, so a redelivered stream batch writes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fks.ai.briefing import HORIZON_BARS, NEIGHBOURS, similar_states, summary
from fks.ai.documents import DocumentKind
from fks.ai.embeddings import Embedder
from fks.errors import FksError, NotFound
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey, symbol_to_partition
from fks.market_data.timeframes import parse_timeframe
from fks.ml.regimes import RegimeModel
from fks.ml.training import latest_forecast, latest_regime
from fks.ml.trees import TreeEnsemble
from fks.strategies.inputs import candles_from_frame
from fks_adapters.ai.bedrock import BedrockNarrator
from fks_adapters.ai.store import IndexCache
from fks_adapters.ml.model_store import ModelStore
from fks_adapters.strategies.results import ResultStore
from fks_adapters.strategies.table import StrategyTable
from fks_app.strategy_performance import PerformanceSources, strategy_performance

if TYPE_CHECKING:
    pass

# Bars of the signal's timeframe a briefing compares with (at 1h, about 83 days).
HISTORY_BARS = 2000
REGIME_BARS = 500  # as GET /models/{asset}/regime serves: the filter settles within a few hundred
NOTES = 3


@dataclass(frozen=True)
class BriefingInputs:
    candles: CandleSeriesReader
    models: ModelStore
    index: IndexCache
    embedder: Embedder
    strategies: StrategyTable
    backtests: ResultStore
    narrator: BedrockNarrator | None = None  # a written version by an LLM, by configuration only

    def performance_sources(self) -> PerformanceSources:
        return PerformanceSources(self.strategies, self.backtests, self.models, self.candles, self.index)


def _at_bar(signal: dict[str, Any], inputs: BriefingInputs, kind: str) -> dict[str, Any]:
    """The stored ``kind`` model (regime, forecast) applied to the bars up to the signal's, at the
    model's own timeframe, or why it cannot be."""
    asset = symbol_to_partition(signal["symbol"])
    try:
        stored = inputs.models.latest(asset, kind)
    except NotFound:
        return {"reason": f"no {kind} model stored for {asset} (POST /models/{asset}/train)"}
    timeframe = str(stored.metadata.get("timeframe", "1h"))
    key = SeriesKey.of(signal["exchange"], signal["symbol"], timeframe)
    bar_end = int(signal["bar_time"]) + parse_timeframe(signal["timeframe"]).ms
    frame = inputs.candles.read(key, bar_end - REGIME_BARS * key.timeframe.ms, bar_end)
    served = {"model_version": stored.version, "timeframe": timeframe}
    try:
        candles = candles_from_frame(frame)
        if kind == "regime":
            return {**served, "regime": latest_regime(RegimeModel.from_json(stored.model), candles)}
        return {**served, "prob_up": round(latest_forecast(TreeEnsemble.from_json(stored.model), candles), 4)}
    except FksError as error:
        return {**served, "reason": str(error)}


def _notes(signal: dict[str, Any], inputs: BriefingInputs) -> list[dict[str, Any]]:
    try:
        index = inputs.index.current()
    except NotFound:
        return []  # no index built yet: a briefing without notes, not a failure
    query = f"{signal['side']} {signal['symbol']} {signal['strategy_id']}"
    hits = index.search_text(inputs.embedder.embed([query], "query")[0], NOTES, {DocumentKind.NOTE.value})
    return [hit.as_dict() for hit in hits]


def build_briefing(signal: dict[str, Any], inputs: BriefingInputs, now_ms: int) -> dict[str, Any]:
    key = SeriesKey.of(signal["exchange"], signal["symbol"], signal["timeframe"])
    bar = int(signal["bar_time"])
    frame = inputs.candles.read(key, bar - HISTORY_BARS * key.timeframe.ms, bar + key.timeframe.ms)
    candles = candles_from_frame(frame) if not frame.empty else None
    states = (
        similar_states(candles, bar, k=NEIGHBOURS, horizon=HORIZON_BARS)
        if candles is not None
        else {"available": False, "reason": f"no stored candles of {signal['symbol']} before the bar"}
    )
    regime, forecast = _at_bar(signal, inputs, "regime"), _at_bar(signal, inputs, "forecast")
    regime.setdefault("regime", None)
    forecast.setdefault("prob_up", None)
    performance = (
        strategy_performance(signal, regime["regime"], candles, HORIZON_BARS, inputs.performance_sources())
        if candles is not None
        else {"available": False, "reason": states["reason"]}
    )
    notes = _notes(signal, inputs)
    briefing = {
        "built_ms": now_ms,
        "similar_states": states,
        "regime": regime,
        "forecast": forecast,
        "performance": performance,
        "notes": notes,
        "summary": summary(signal, states, regime, notes, forecast, performance),
    }
    if inputs.narrator is not None:  # beside the templated summary, labelled with its model
        briefing["narrative"] = inputs.narrator.narrate({"signal": signal, **briefing})
    return briefing
