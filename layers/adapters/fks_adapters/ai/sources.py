"""Where the index's documents come from, each read from its watermark on (incremental builds)."""

from __future__ import annotations

import inspect
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fks.ai.documents import (
    Document,
    backtest_document,
    note_document,
    optimization_document,
    signal_document,
    strategy_document,
)
from fks.strategies.base import Strategy
from fks.strategies.registry import get_strategy, is_plugin, plugin_module, strategy_names
from fks_adapters.ai.store import NoteStore
from fks_adapters.pipeline.signal_history import SignalHistory
from fks_adapters.strategies.results import ResultStore

# A signal's record changes until its outcome (an approval window is hours), so a build re-reads
# the days since its last watermark and this many before: a changed version is re-embedded.
SIGNAL_LOOKBACK_DAYS = 2
FIRST_BUILD_DAYS = 30  # how far back the first build reads signals
# Objects written around a build's start may carry a slightly earlier time than its watermark.
CLOCK_MARGIN_MS = 120_000
_PAGE = 100
GUIDE_CHARS = 8000  # a plugin's docstring and NAME.md, cut: an embedding of a book says little


def _days(since_ms: int, now_ms: int) -> list[str]:
    first = datetime.fromtimestamp(since_ms / 1000, UTC).date()
    last = datetime.fromtimestamp(now_ms / 1000, UTC).date()
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def signal_documents(history: SignalHistory, since_ms: int | None, now_ms: int) -> list[Document]:
    start = now_ms - FIRST_BUILD_DAYS * 86_400_000 if since_ms is None else since_ms - SIGNAL_LOOKBACK_DAYS * 86_400_000
    documents: list[Document] = []
    for day in _days(start, now_ms):
        token: str | None = None
        while True:
            records, token = history.list(day=day, limit=_PAGE, next_token=token)
            documents.extend(d for d in map(signal_document, records) if d is not None)
            if token is None:
                break
    return documents


def note_documents(notes: NoteStore, since_ms: int | None) -> list[Document]:
    start = 0 if since_ms is None else since_ms - CLOCK_MARGIN_MS
    return [note_document(note) for note in notes.changed_since(start)]


def _recent_summaries(results: ResultStore, since_ms: int | None) -> list[dict[str, Any]]:
    """Result summaries stored since the watermark: they list newest first, so reading stops at
    the first older one."""
    start = 0 if since_ms is None else since_ms - CLOCK_MARGIN_MS
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page, cursor = results.list_recent(_PAGE, cursor)
        fresh = [s for s in page if int(s.get("stored_at", 0)) >= start]
        found.extend(fresh)
        if cursor is None or len(fresh) < len(page):
            return found


def backtest_documents(results: ResultStore, since_ms: int | None) -> list[Document]:
    return [backtest_document(s) for s in _recent_summaries(results, since_ms) if "metrics" in s]


def optimization_documents(results: ResultStore, since_ms: int | None) -> list[Document]:
    """Finished optimisations (a running one is listed without its best cell, and left for later)."""
    return [d for d in map(optimization_document, _recent_summaries(results, since_ms)) if d is not None]


def plugin_guide(strategy: Strategy) -> str | None:
    """A plugin's own documentation: its module's docstring and the ``NAME.md`` beside its file
    (what ``fks strategy new`` writes), as far as ``GUIDE_CHARS``."""
    module = sys.modules.get(type(strategy).__module__)
    parts = [inspect.cleandoc(module.__doc__)] if module is not None and module.__doc__ else []
    path = getattr(module, "__file__", None)
    if path and Path(path).with_suffix(".md").is_file():
        parts.append(Path(path).with_suffix(".md").read_text(encoding="utf-8").strip())
    return "\n".join(parts)[:GUIDE_CHARS] or None


def strategy_documents(now_ms: int) -> list[Document]:
    """Every strategy this function can run, built-in or plugin, read again at each build (a
    dozen texts): only one whose documentation changed is embedded again."""
    documents = []
    for name in strategy_names():
        strategy = get_strategy(name)
        if is_plugin(name):
            source = plugin_module(name) or "plugin"
            documents.append(strategy_document(strategy, source, now_ms, plugin_guide(strategy)))
        else:
            documents.append(strategy_document(strategy, "built-in", now_ms))
    return documents
