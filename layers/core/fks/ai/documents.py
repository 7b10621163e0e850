"""What the retrieval index holds: operator notes, signals with their outcome, backtest and
optimisation reports, and each strategy's documentation (built-ins and plugins).

A document is text to embed (what a person searching would type about it) plus the fields a
search answers with. A signal also carries the market state of its bar, so "markets like now"
finds it. ``version`` changes whenever the indexed content does (a signal reaching its outcome),
which is how an incremental build knows to re-embed it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fks.strategies.base import Strategy


class DocumentKind(StrEnum):
    NOTE = "note"
    SIGNAL = "signal"
    BACKTEST = "backtest"
    OPTIMIZATION = "optimization"
    STRATEGY = "strategy"


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


def optimization_document(summary: dict[str, Any]) -> Document | None:
    """A finished optimisation from its stored summary (``optimizations/index/``): what was searched
    and the best cell found; None while it runs (it has no best yet)."""
    best = summary.get("best")
    if not isinstance(best, dict):
        return None
    subject = " ".join(str(summary[k]) for k in ("strategy", "symbol", "exchange", "timeframe") if summary.get(k))
    params = ", ".join(f"{name} {value}" for name, value in sorted((best.get("params") or {}).items()))
    text = (
        f"optimisation of {subject} by {summary.get('method')} search for {summary.get('objective')}: "
        f"best score {best.get('score')} at {params}"
    )
    fields: dict[str, Any] = {
        "optimization_id": summary["id"],
        **{k: summary[k] for k in ("strategy", "symbol", "timeframe", "method", "objective") if k in summary},
        "best": best,
    }
    created = int(summary.get("stored_at", 0))
    return Document(f"optimization:{summary['id']}", DocumentKind.OPTIMIZATION, text, created, fields)


def _bound(value: float | None) -> str:
    return "any" if value is None else f"{value:g}"  # 1.0 -> "1", 0.55 -> "0.55"


def strategy_document(strategy: Strategy, source: str, now_ms: int, guide: str | None = None) -> Document:
    """A strategy's documentation as its code states it: the description, the class's docstring
    and each parameter with its type, default, bounds and description, then ``guide`` (a plugin's
    module docstring and its ``NAME.md``). ``source`` says where it comes from ("built-in", or the
    plugin's module)."""
    own = type(strategy).__dict__.get("__doc__")  # its own docstring, not one inherited from Strategy
    doc = inspect.cleandoc(own) if isinstance(own, str) else ""
    described = []
    for p in strategy.parameters:
        bounds = "" if p.min is None and p.max is None else f", {_bound(p.min)} to {_bound(p.max)}"
        choices = f", one of {', '.join(map(str, p.choices))}" if p.choices else ""
        described.append(f"{p.name} ({p.type}, default {p.default}{bounds}{choices}): {p.description}")
    text = f"strategy {strategy.name}: {strategy.description}"
    if doc and doc != strategy.description:
        text += f"\n{doc}"
    if described:
        text += "\nParameters: " + "; ".join(described)
    if guide:
        text += f"\n{guide}"
    fields = {"strategy": strategy.name, "source": source, "parameters": [p.name for p in strategy.parameters]}
    # The version covers the text and fields only: documentation that did not change is not re-embedded.
    return Document(f"strategy:{strategy.name}", DocumentKind.STRATEGY, text, now_ms, fields)
