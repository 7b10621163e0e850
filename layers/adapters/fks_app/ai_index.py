"""Building the retrieval index incrementally and searching it (the AI function's work)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fks.ai.documents import Document, note_id_for
from fks.ai.embeddings import Embedder
from fks.ai.index import RetrievalIndex
from fks.ai.market_state import MARKET_STATE_DIM, MARKET_STATE_NAMES, STATE_WARMUP, market_states
from fks.ai.requests import MarketQuery, NoteRequest, SearchRequest
from fks.errors import BadRequest, NotFound
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.strategies.inputs import candles_from_frame
from fks_adapters.ai import sources
from fks_adapters.ai.store import IndexCache, IndexStore, NoteStore
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.strategies.results import ResultStore

# Bars read before the wanted one: the state's warm-up with room for RSI's smoothing to settle.
HISTORY_BARS = STATE_WARMUP + 200


@dataclass(frozen=True)
class Sources:
    notes: NoteStore
    signals: SignalHistory
    backtests: ResultStore
    optimizations: ResultStore
    candles: CandleSeriesReader


def add_note(request: NoteRequest, notes: NoteStore, now_ms: int) -> dict[str, Any]:
    """Store the note; the same note again is the same note (its id is its content's)."""
    note_id = note_id_for(request.text, tuple(request.tags))
    existing = notes.get(note_id)
    if existing is not None:
        return {**existing, "created": False}
    note = {"note_id": note_id, "created_ms": now_ms, **request.model_dump(exclude_none=True)}
    notes.put(note)
    return {**note, "created": True}


State = npt.NDArray[np.float32]


def _states_by_bar(candles: CandleSeriesReader, key: SeriesKey, bar_times: list[int]) -> dict[int, State]:
    """The market state of each of ``bar_times`` (bars of ``key``), from one read of the series."""
    tf_ms = key.timeframe.ms
    frame = candles.read(key, min(bar_times) - HISTORY_BARS * tf_ms, max(bar_times) + tf_ms)
    if frame.empty:
        return {}
    data = candles_from_frame(frame)
    states, valid = market_states(data)
    row_of = {int(t): i for i, t in enumerate(data.open_time)}
    return {t: states[row_of[t]] for t in bar_times if t in row_of and valid[row_of[t]]}


def market_vectors(documents: list[Document], candles: CandleSeriesReader) -> list[npt.NDArray[np.float32] | None]:
    """Each document's market state (None for notes, backtests, and bars whose history is missing)."""
    wanted: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for document in documents:
        if document.market:
            at = document.market
            wanted[(at["exchange"], at["symbol"], at["timeframe"])].append(int(at["bar_time"]))
    found: dict[tuple[str, str, str], dict[int, npt.NDArray[np.float32]]] = {}
    for series, bars in wanted.items():
        try:
            found[series] = _states_by_bar(candles, SeriesKey.of(*series), bars)
        except BadRequest:
            found[series] = {}  # a series that cannot be built (an unknown timeframe): text only
    out: list[npt.NDArray[np.float32] | None] = []
    for document in documents:
        bar = document.market
        out.append(found[(bar["exchange"], bar["symbol"], bar["timeframe"])].get(int(bar["bar_time"])) if bar else None)
    return out


def rebuild_index(store: IndexStore, source: Sources, embedder: Embedder, now_ms: int) -> dict[str, Any]:
    """Read what changed since the last build, embed only new or changed documents, and save a
    new build when anything changed. Safe to run twice at once: each build is complete on its own."""
    started = time.perf_counter()
    build = store.latest_build()
    index = store.load(build) if build else None
    if index is None or index.text_model != embedder.name or index.market_dim != MARKET_STATE_DIM:
        index = RetrievalIndex(embedder.name, embedder.dim, MARKET_STATE_DIM)  # first build, or a new model
    marks = index.watermarks
    candidates = [
        *sources.note_documents(source.notes, marks.get("notes")),
        *sources.signal_documents(source.signals, marks.get("signals"), now_ms),
        *sources.backtest_documents(source.backtests, marks.get("backtests")),
        *sources.optimization_documents(source.optimizations, marks.get("optimizations")),
        *sources.strategy_documents(now_ms),
    ]
    unique = {d.doc_id: d for d in candidates}
    changed = [d for d in unique.values() if not index.is_current(d)]
    if changed:
        index.upsert(changed, embedder.embed([d.text for d in changed]), market_vectors(changed, source.candles))
    index.watermarks = {name: now_ms for name in ("notes", "signals", "backtests", "optimizations")}
    index.built_ms = now_ms
    if changed or build is None:
        replaced, build = build, f"{now_ms:013d}"
        store.save(index, build, replaced)
    return {
        "build": build,
        "documents": len(index),
        "by_kind": index.counts_by_kind(),
        "embedded": len(changed),
        "read": len(unique),
        "seconds": round(time.perf_counter() - started, 3),
    }


def market_state_now(candles: CandleSeriesReader, query: MarketQuery, now_ms: int) -> tuple[int, State]:
    """The bar ``query`` names (its newest closed bar by default) and that bar's market state."""
    key = SeriesKey.of(query.exchange, query.symbol, query.timeframe)
    bar = query.at_ms if query.at_ms is not None else candles.newest_closed_bar(key, now_ms)
    if bar is None:
        raise NotFound(f"no candles stored for {query.symbol} on {query.exchange}", details={"symbol": query.symbol})
    states = _states_by_bar(candles, key, [bar])
    if bar not in states:
        raise BadRequest(
            f"the market state of {query.symbol} {query.timeframe} at {bar} needs {STATE_WARMUP + 1} whole bars "
            "up to it, and the stored history has fewer",
            details={"bars_needed": STATE_WARMUP + 1, "bar_time": bar},
        )
    return bar, states[bar]


def search(
    request: SearchRequest, cache: IndexCache, embedder: Embedder, candles: CandleSeriesReader, now_ms: int
) -> dict[str, Any]:
    started = time.perf_counter()
    index = cache.current()
    answer: dict[str, Any] = {"index_built_ms": index.built_ms, "documents": len(index)}
    if request.text is not None:
        if index.text_model != embedder.name:
            raise NotFound(f"the index was built by {index.text_model}, not {embedder.name}: wait for its rebuild")
        kinds = {k.value for k in request.kinds} if request.kinds else None
        hits = index.search_text(embedder.embed([request.text], "query")[0], request.k, kinds)
        answer["query"] = {"text": request.text}
    else:
        assert request.market is not None  # the request's validator allows exactly one
        bar, state = market_state_now(candles, request.market, now_ms)
        hits = index.search_market(state, request.k)
        answer["query"] = {
            **request.market.model_dump(exclude_none=True),
            "bar_time": bar,
            "state": dict(zip(MARKET_STATE_NAMES, (round(float(v), 4) for v in state), strict=True)),
        }
    answer["results"] = [hit.as_dict() for hit in hits]
    answer["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return answer
