"""``POST /ai/notes``, ``POST /ai/search``, the schedule that rebuilds the retrieval index, and
each new signal's briefing (from the signals table's stream, ``fks_adapters.ai.briefings``).

The index (``fks.ai.index``) holds operator notes, every signal with its outcome and the market
state of its bar, and backtest reports; it lives in the data bucket (``ai/index/``) and the
schedule adds only what changed since its last build. A note is searchable after the next build.

Packaging: the text model (WordLlama, its weights inside the wheel) and usearch come in the AI
layer (layers/ai); NumPy, pandas and pyarrow in the AWS SDK for pandas layer, as for the models.
By configuration (FKS_AI_TEXT_MODEL, FKS_AI_SUMMARY_MODEL) the text embeddings come from Bedrock
instead, and a briefing also gets a written version from a Claude model on Bedrock.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.ai.embeddings import Embedder
from fks.ai.requests import NoteRequest, ScheduledIndexBuild, SearchRequest
from fks.errors import FksError
from fks.invocations import StreamBatch, parse_event
from fks.observability import API, observed
from fks_adapters.ai.bedrock import configured_narrator, configured_text_embedder
from fks_adapters.ai.briefings import BriefingInputs, BriefingWriter, build_briefing, new_signals
from fks_adapters.ai.service import IndexCache, Sources, add_note, rebuild_index, search
from fks_adapters.ai.store import IndexStore, NoteStore
from fks_adapters.api import make_resolver
from fks_adapters.market_data import wiring
from fks_adapters.ml.model_store import ModelStore
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.strategies.results import ResultStore
from fks_adapters.strategies.table import StrategyTable

logger = Logger()
app = make_resolver(logger)  # validation, CORS for the dashboard, FksError statuses


def _now_ms() -> int:
    return int(time.time() * 1000)


def _bucket() -> str:
    return env.require(env.DATA_BUCKET)


@cache
def _index_cache() -> IndexCache:
    # One per container: a warm search reuses the loaded build until a newer one exists.
    return IndexCache(IndexStore(_bucket()))


@cache
def _embedder() -> Embedder:
    # The packaged WordLlama model, or Bedrock's embeddings by configuration (FKS_AI_TEXT_MODEL).
    return configured_text_embedder()


@app.post("/ai/notes")
def post_note(request: Annotated[NoteRequest, Body()]) -> dict[str, Any]:
    """Store an operator note; the index's next build makes it searchable."""
    note = add_note(request, NoteStore(_bucket()), _now_ms())
    logger.info("note stored", extra={"note_id": note["note_id"], "new_note": note["created"]})
    return note


@app.post("/ai/search")
def post_search(request: Annotated[SearchRequest, Body()]) -> dict[str, Any]:
    """Notes, past signals and backtests nearest a text, or past signals whose market looked like this one's."""
    return search(request, _index_cache(), _embedder(), wiring.candle_series(), _now_ms())


def _brief(event: dict[str, Any]) -> dict[str, Any]:
    """Attach a briefing to each signal this stream batch first records."""
    inputs = BriefingInputs(
        candles=wiring.candle_series(),
        models=ModelStore(_bucket(), prefix=env.get(env.MODELS_PREFIX) or "models"),
        index=_index_cache(),
        embedder=_embedder(),
        strategies=StrategyTable(env.require(env.STRATEGIES_TABLE)),
        backtests=ResultStore(_bucket(), "backtests"),
        narrator=configured_narrator(),
    )
    writer = BriefingWriter(env.require(env.SIGNALS_TABLE))
    attached, refused = [], {}
    for signal in new_signals(parse_event(StreamBatch, event, "signal changes")):
        try:
            briefing = build_briefing(signal, inputs, _now_ms())
        except FksError as error:  # e.g. a symbol the store cannot read: that signal goes unbriefed
            refused[signal["signal_id"]] = str(error)
            continue
        if writer.attach(signal["signal_id"], briefing):
            attached.append(signal["signal_id"])
    logger.info("briefings", extra={"attached": attached, "refused": refused})
    return {"attached": attached, "refused": refused}


@observed(logger, correlation=API)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:  # the signals table's stream
        return _brief(event)
    if "httpMethod" not in event:  # the template's schedule Input, not an API call
        parse_event(ScheduledIndexBuild, event, "scheduled index build")
        bucket = _bucket()
        sources = Sources(
            notes=NoteStore(bucket),
            signals=SignalHistory(env.require(env.SIGNALS_TABLE)),
            backtests=ResultStore(bucket, "backtests"),
            optimizations=ResultStore(bucket, "optimizations"),
            candles=wiring.candle_series(),
        )
        result = rebuild_index(IndexStore(bucket), sources, _embedder(), _now_ms())
        logger.info("retrieval index built", extra=result)
        return result
    return app.resolve(event, context)
