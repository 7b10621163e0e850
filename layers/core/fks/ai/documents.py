"""What the retrieval index holds: operator notes, signals with their outcome, backtest reports.

A document is text to embed (what a person searching would type about it) plus the fields a
search answers with. A signal also carries the market state of its bar, so "markets like now"
finds it. ``version`` changes whenever the indexed content does (a signal reaching its outcome),
which is how an incremental build knows to re-embed it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DocumentKind(StrEnum):
    NOTE = "note"
    SIGNAL = "signal"
    BACKTEST = "backtest"


@dataclass(frozen=True)
class Document:
    doc_id: str  # "<kind>:<id>", unique across kinds
    kind: DocumentKind
    text: str
    created_ms: int
    fields: dict[str, Any] = field(default_factory=dict)
    # For signals: where to read the market state (exchange, symbol, timeframe, bar_time).
    market: dict[str, Any] | None = None

    @property
    def version(self) -> str:
        content = json.dumps([self.text, self.fields, self.market], sort_keys=True, default=str)
        return hashlib.sha256(content.encode()).hexdigest()[:16]

    def summary(self) -> dict[str, Any]:
        head = {"id": self.doc_id, "kind": self.kind.value, "text": self.text, "created_ms": self.created_ms}
        return {**head, **self.fields}


def note_id_for(text: str, tags: tuple[str, ...]) -> str:
    """The same note posted twice is one note (a retried POST stores nothing new)."""
    return hashlib.sha256(json.dumps([text, sorted(tags)]).encode()).hexdigest()[:24]


def note_document(note: dict[str, Any]) -> Document:
    tags = tuple(note.get("tags") or ())
    text = note["text"] if not tags else f"{note['text']} [{', '.join(tags)}]"
    fields = {"note_id": note["note_id"], "tags": list(tags)}
    for name in ("symbol", "strategy_id", "author"):
        if note.get(name):
            fields[name] = note[name]
    return Document(f"note:{note['note_id']}", DocumentKind.NOTE, text, int(note["created_ms"]), fields)


def signal_document(record: dict[str, Any]) -> Document | None:
    """A signal as the pipeline recorded it, with its status and reason; None without its payload."""
    signal = record.get("signal")
    if not isinstance(signal, dict):
        return None
    status, reason = record.get("status", "unknown"), record.get("reason")
    text = (
        f"{signal['side']} {signal['symbol']} on {signal['exchange']} {signal['timeframe']} "
        f"by strategy {signal['strategy_id']}: {status}" + (f" ({reason})" if reason else "")
    )
    fields = {
        "signal_id": signal["signal_id"],
        "strategy_id": signal["strategy_id"],
        "symbol": signal["symbol"],
        "side": signal["side"],
        "timeframe": signal["timeframe"],
        "bar_time": signal["bar_time"],
        "status": status,
        "reason": reason,
    }
    market = {k: signal[k] for k in ("exchange", "symbol", "timeframe", "bar_time")}
    created = int(record.get("created_ms", 0))
    return Document(f"signal:{signal['signal_id']}", DocumentKind.SIGNAL, text, created, fields, market)


def backtest_document(summary: dict[str, Any]) -> Document:
    """A backtest from its stored summary (``backtests/index/``): strategy, market, headline metrics."""
    metrics = summary.get("metrics") or {}
    scalars = [name for name in sorted(metrics) if not isinstance(metrics[name], (dict, list))]
    shown = ", ".join(f"{name} {metrics[name]}" for name in scalars)
    subject = " ".join(str(summary[k]) for k in ("strategy", "symbol", "exchange", "timeframe") if summary.get(k))
    text = f"backtest of {subject}" + (f": {shown}" if shown else "")
    market: dict[str, Any] = {k: summary[k] for k in ("strategy", "symbol", "timeframe") if k in summary}
    fields: dict[str, Any] = {"backtest_id": summary["id"], **market}
    return Document(f"backtest:{summary['id']}", DocumentKind.BACKTEST, text, int(summary.get("stored_at", 0)), fields)
