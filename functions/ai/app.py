"""``POST /ai/notes``, ``POST /ai/search``, the schedule that rebuilds the retrieval index, and
each new signal's briefing (from the signals table's stream, ``fks_app.briefings``).

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
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks.ai.bedrock import PACKAGED
from fks.ai.embeddings import Embedder
from fks.ai.requests import NoteRequest, ScheduledIndexBuild, SearchRequest
from fks.errors import FksError
from fks.function_settings import ApiSettings, variable
from fks.invocations import StreamBatch, parse_event
from fks.observability import API, observed
from fks_adapters.ai.bedrock import NO_SUMMARY_MODEL, configured_narrator, configured_text_embedder
from fks_adapters.ai.briefing_records import BriefingWriter, new_signals
from fks_adapters.ai.store import IndexCache, IndexStore, NoteStore
from fks_adapters.api import make_resolver
from fks_adapters.market_data.assets import AssetRegistry
from fks_adapters.market_data.candle_reader import candle_series, candle_store
from fks_adapters.ml.model_store import ModelStore
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.strategies.results import ResultStore
from fks_adapters.strategies.table import StrategyTable
from fks_app.ai_index import Sources, add_note, rebuild_index, search
from fks_app.briefings import BriefingInputs, build_briefing

if TYPE_CHECKING:
    from fks.market_data.series import CandleSeriesReader
    from fks_adapters.market_data.s3_store import S3CandleStore

logger = Logger()


class Settings(ApiSettings):
    data_bucket: str = variable(env.DATA_BUCKET)
    assets_table: str = variable(env.ASSETS_TABLE)
    signals_table: str = variable(env.SIGNALS_TABLE)
    strategies_table: str = variable(env.STRATEGIES_TABLE)
    models_prefix: str = variable(env.MODELS_PREFIX, default="models")
    text_model: str = variable(env.AI_TEXT_MODEL, default=PACKAGED)
    summary_model: str = variable(env.AI_SUMMARY_MODEL, default=NO_SUMMARY_MODEL)


SETTINGS = Settings.from_environ()  # cold start: a missing variable fails here, naming it
app = make_resolver(logger, SETTINGS.cors_origin)  # validation, CORS for the dashboard, FksError statuses


def _now_ms() -> int:
    return int(time.time() * 1000)


@cache
def _index_cache() -> IndexCache:
    # One per container: a warm search reuses the loaded build until a newer one exists.
    return IndexCache(IndexStore(SETTINGS.data_bucket))


@cache
def _embedder() -> Embedder:
    # The packaged WordLlama model, or Bedrock's embeddings by configuration (FKS_AI_TEXT_MODEL).
    return configured_text_embedder(SETTINGS.text_model)


@cache
def _store() -> S3CandleStore:
    return candle_store(SETTINGS.data_bucket)


def _candles() -> CandleSeriesReader:
    """One per invocation: it looks each asset's collected base up once."""
    return candle_series(_store(), AssetRegistry(SETTINGS.assets_table))


@app.post("/ai/notes")
def post_note(request: Annotated[NoteRequest, Body()]) -> dict[str, Any]:
    """Store an operator note; the index's next build makes it searchable."""
    note = add_note(request, NoteStore(SETTINGS.data_bucket), _now_ms())
    logger.info("note stored", extra={"note_id": note["note_id"], "new_note": note["created"]})
    return note


@app.post("/ai/search")
def post_search(request: Annotated[SearchRequest, Body()]) -> dict[str, Any]:
    """Notes, past signals and backtests nearest a text, or past signals whose market looked like this one's."""
    return search(request, _index_cache(), _embedder(), _candles(), _now_ms())


def _brief(event: dict[str, Any]) -> dict[str, Any]:
    """Attach a briefing to each signal this stream batch first records."""
    inputs = BriefingInputs(
        candles=_candles(),
        models=ModelStore(SETTINGS.data_bucket, prefix=SETTINGS.models_prefix),
        index=_index_cache(),
        embedder=_embedder(),
        strategies=StrategyTable(SETTINGS.strategies_table),
        backtests=ResultStore(SETTINGS.data_bucket, "backtests"),
        narrator=configured_narrator(SETTINGS.summary_model),
    )
    writer = BriefingWriter(SETTINGS.signals_table)
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
        bucket = SETTINGS.data_bucket
        sources = Sources(
            notes=NoteStore(bucket),
            signals=SignalHistory(SETTINGS.signals_table),
            backtests=ResultStore(bucket, "backtests"),
            optimizations=ResultStore(bucket, "optimizations"),
            candles=_candles(),
        )
        result = rebuild_index(IndexStore(bucket), sources, _embedder(), _now_ms())
        logger.info("retrieval index built", extra=result)
        return result
    return app.resolve(event, context)
