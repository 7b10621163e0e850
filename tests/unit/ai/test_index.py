"""The retrieval index: upserts replace old versions, searches by text and market state, and it
round-trips through its serialised blobs."""

from __future__ import annotations

import numpy as np

from fks.ai.documents import Document, DocumentKind, note_document, signal_document
from fks.ai.embeddings import unit_rows
from fks.ai.index import RetrievalIndex


def _signal(signal_id: str, status: str) -> Document:
    record = {
        "status": status,
        "created_ms": 5,
        "signal": {
            "signal_id": signal_id,
            "strategy_id": "sma",
            "exchange": "binance",
            "symbol": "BTC/USDT",
            "side": "buy",
            "timeframe": "1h",
            "bar_time": 3_600_000,
        },
    }
    document = signal_document(record)
    assert document is not None
    return document


def _vectors(*rows: list[float]) -> np.ndarray:
    return unit_rows(np.array(rows, dtype=np.float32))


def test_text_and_market_searches_find_the_nearest_documents_by_kind() -> None:
    index = RetrievalIndex("test-model", 3, 2)
    note = note_document({"note_id": "n1", "text": "funding spikes", "created_ms": 1, "tags": ["risk"]})
    signal = _signal("s1", "executed")
    index.upsert([note, signal], _vectors([1, 0, 0], [0, 1, 0]), [None, unit_rows([[1, 0]])[0]])

    by_text = index.search_text(unit_rows([[0.9, 0.1, 0]])[0], 2)
    only_signals = index.search_text(unit_rows([[0.9, 0.1, 0]])[0], 2, {DocumentKind.SIGNAL.value})
    by_state = index.search_market(unit_rows([[1, 0.1]])[0], 5)

    assert [hit.doc_id for hit in by_text] == ["note:n1", "signal:s1"]
    assert by_text[0].score > 0.9
    assert by_text[0].summary["tags"] == ["risk"]
    assert [hit.doc_id for hit in only_signals] == ["signal:s1"]
    assert [hit.doc_id for hit in by_state] == ["signal:s1"]  # a note has no market state
    assert by_state[0].summary["status"] == "executed"


def test_a_changed_document_replaces_its_old_version() -> None:
    index = RetrievalIndex("test-model", 3, 2)
    waiting = _signal("s1", "awaiting_approval")
    index.upsert([waiting], _vectors([1, 0, 0]), [unit_rows([[1, 0]])[0]])
    executed = _signal("s1", "executed")
    assert index.is_current(waiting)
    assert not index.is_current(executed)

    index.upsert([executed], _vectors([0, 0, 1]), [unit_rows([[0, 1]])[0]])

    assert len(index) == 1
    assert len(index.text_graph) == 1
    assert len(index.market_graph) == 1
    assert [hit.summary["status"] for hit in index.search_text(unit_rows([[1, 0, 0]])[0], 5)] == ["executed"]


def test_the_index_round_trips_through_its_blobs() -> None:
    index = RetrievalIndex("test-model", 3, 2, watermarks={"notes": 42})
    index.upsert([_signal("s1", "executed")], _vectors([1, 0, 0]), [unit_rows([[1, 0]])[0]])

    copy = RetrievalIndex.from_blobs(index.to_blobs())

    assert copy.manifest() == index.manifest()
    assert [hit.doc_id for hit in copy.search_market(unit_rows([[1, 0]])[0], 1)] == ["signal:s1"]


def test_an_empty_index_answers_no_hits() -> None:
    index = RetrievalIndex.from_blobs(RetrievalIndex("test-model", 3, 2).to_blobs())
    assert index.search_text(unit_rows([[1, 0, 0]])[0], 3) == []
    assert index.search_market(unit_rows([[1, 0]])[0], 3) == []


def test_the_same_note_text_and_tags_is_the_same_note() -> None:
    from fks.ai.documents import note_id_for

    assert note_id_for("x", ("b", "a")) == note_id_for("x", ("a", "b"))
    assert note_id_for("x", ()) != note_id_for("y", ())


def test_a_strategys_documentation_and_a_finished_optimisation_are_documents() -> None:
    from fks.ai.documents import optimization_document, strategy_document
    from fks.strategies.registry import get_strategy

    gate = strategy_document(get_strategy("regime_gate"), "built-in", 1)
    assert gate.doc_id == "strategy:regime_gate"
    assert gate.text.startswith(f"strategy regime_gate: {get_strategy('regime_gate').description}")
    assert "long_in (choice, default trending_up, one of trending_up" in gate.text
    assert gate.fields["parameters"] == [p.name for p in get_strategy("regime_gate").parameters]
    assert gate.version == strategy_document(get_strategy("regime_gate"), "built-in", 2).version  # unchanged docs

    summary = {"id": "o1", "strategy": "sma_cross", "symbol": "BTC/USDT", "timeframe": "1h", "method": "grid",
               "objective": "sharpe", "stored_at": 5}  # fmt: skip
    assert optimization_document({**summary, "best": None}) is None  # still running: nothing to say yet
    done = optimization_document({**summary, "best": {"params": {"fast": 10, "slow": 50}, "score": 1.2}})
    assert done is not None
    assert (
        done.text
        == "optimisation of sma_cross BTC/USDT 1h by grid search for sharpe: best score 1.2 at fast 10, slow 50"
    )
