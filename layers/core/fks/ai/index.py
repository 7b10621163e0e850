"""The retrieval index: documents in two vector spaces, searched with usearch (HNSW).

- the text space: every document's text embedding (cosine), for searches by words;
- the market space: the market state of each signal's bar (cosine on the scale-free state
  vector of ``fks.ai.market_state``), for "when did the market last look like this".

usearch keys are integers; ``entries`` maps each key to its document's summary and version, and
the next key only grows, so a re-embedded document (a signal that reached its outcome) gets a new
key and its old one is removed from the graph. The whole index serialises to three blobs (two
graphs and a JSON manifest) that the adapters keep in S3.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from fks.ai.documents import Document

MANIFEST_VERSION = 1


def _graph(ndim: int) -> Any:
    # Imported here: only the AI function carries usearch (its own layer), not every user of fks.ai.
    from usearch.index import Index

    return Index(ndim=ndim, metric="cos", dtype="f32")


@dataclass(frozen=True)
class Hit:
    doc_id: str
    score: float  # cosine similarity, 1 = same direction
    summary: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), **self.summary}


@dataclass
class RetrievalIndex:
    text_model: str
    text_dim: int
    market_dim: int
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id -> {key, version, summary, market}
    next_key: int = 1
    built_ms: int = 0
    watermarks: dict[str, int] = field(default_factory=dict)  # per source, how far it was read
    text_graph: Any = None
    market_graph: Any = None

    def __post_init__(self) -> None:
        self.text_graph = self.text_graph if self.text_graph is not None else _graph(self.text_dim)
        self.market_graph = self.market_graph if self.market_graph is not None else _graph(self.market_dim)

    def __len__(self) -> int:
        return len(self.entries)

    def counts_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self.entries.values():
            kind = entry["summary"]["kind"]
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def is_current(self, document: Document) -> bool:
        entry = self.entries.get(document.doc_id)
        return entry is not None and entry["version"] == document.version

    def upsert(
        self,
        documents: list[Document],
        text_vectors: npt.NDArray[np.float32],
        market_vectors: list[npt.NDArray[np.float32] | None],
    ) -> None:
        """Add ``documents`` (row i of ``text_vectors``, ``market_vectors[i]`` or None), replacing
        any earlier version of the same document."""
        if not documents:
            return
        keys = np.arange(self.next_key, self.next_key + len(documents), dtype=np.uint64)
        for document in documents:
            old = self.entries.get(document.doc_id)
            if old is not None:
                self.text_graph.remove(old["key"])
                if old["market"]:
                    self.market_graph.remove(old["key"])
        self.text_graph.add(keys, np.asarray(text_vectors, dtype=np.float32))
        with_state = [(int(key), vec) for key, vec in zip(keys, market_vectors, strict=True) if vec is not None]
        if with_state:
            self.market_graph.add(
                np.array([key for key, _ in with_state], dtype=np.uint64),
                np.vstack([vec for _, vec in with_state]).astype(np.float32),
            )
        has_state = {key for key, _ in with_state}
        for document, key in zip(documents, keys, strict=True):
            self.entries[document.doc_id] = {
                "key": int(key),
                "version": document.version,
                "summary": document.summary(),
                "market": int(key) in has_state,
            }
        self.next_key += len(documents)

    def _hits(self, graph: Any, vector: npt.NDArray[np.float32], k: int, kinds: set[str] | None) -> list[Hit]:
        if len(graph) == 0:
            return []
        by_key = {entry["key"]: (doc_id, entry) for doc_id, entry in self.entries.items()}
        # Ask for more than k when filtering by kind: the graph knows nothing of kinds.
        wanted = min(len(graph), k if kinds is None else max(k * 4, 32))
        matches = graph.search(np.asarray(vector, dtype=np.float32), wanted)
        hits: list[Hit] = []
        for key, distance in zip(matches.keys, matches.distances, strict=True):
            found = by_key.get(int(key))
            if found is None or (kinds is not None and found[1]["summary"]["kind"] not in kinds):
                continue
            hits.append(Hit(found[0], 1.0 - float(distance), found[1]["summary"]))
            if len(hits) == k:
                break
        return hits

    def search_text(self, vector: npt.NDArray[np.float32], k: int, kinds: set[str] | None = None) -> list[Hit]:
        return self._hits(self.text_graph, vector, k, kinds)

    def search_market(self, vector: npt.NDArray[np.float32], k: int) -> list[Hit]:
        return self._hits(self.market_graph, vector, k, None)

    def manifest(self) -> dict[str, Any]:
        return {
            "manifest_version": MANIFEST_VERSION,
            "text_model": self.text_model,
            "text_dim": self.text_dim,
            "market_dim": self.market_dim,
            "next_key": self.next_key,
            "built_ms": self.built_ms,
            "watermarks": self.watermarks,
            "entries": self.entries,
        }

    def to_blobs(self) -> dict[str, bytes]:
        return {
            "manifest.json": json.dumps(self.manifest(), default=str).encode(),
            "text.usearch": bytes(self.text_graph.save()),
            "market.usearch": bytes(self.market_graph.save()),
        }

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes]) -> RetrievalIndex:
        from usearch.index import Index

        manifest = json.loads(blobs["manifest.json"])
        return cls(
            text_model=manifest["text_model"],
            text_dim=int(manifest["text_dim"]),
            market_dim=int(manifest["market_dim"]),
            entries=manifest["entries"],
            next_key=int(manifest["next_key"]),
            built_ms=int(manifest["built_ms"]),
            watermarks={k: int(v) for k, v in manifest["watermarks"].items()},
            text_graph=Index.restore(bytearray(blobs["text.usearch"])),
            market_graph=Index.restore(bytearray(blobs["market.usearch"])),
        )
