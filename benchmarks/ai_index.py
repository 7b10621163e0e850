"""What fks_ai's retrieval index costs: the text model's load, embedding, the index's build,
its S3 blobs, a search by text and by market state, and a signal's similar-states briefing.

On the bundled sample candles (BTC/USDT 1m resampled to 1h by the product's reader, 2024-01..04):
one document per 1h bar, as a signal on that bar would be indexed (its text and its bar's
market state), plus templated operator notes. Nothing is asserted.
Run: .venv/bin/python benchmarks/ai_index.py [documents]
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from fks.ai.briefing import similar_states
from fks.ai.documents import Document, DocumentKind
from fks.ai.index import RetrievalIndex
from fks.ai.market_state import MARKET_STATE_DIM, market_states
from fks.market_data.series import CandleSeriesReader
from fks.market_data.storage import SeriesKey
from fks.strategies.inputs import candles_from_frame
from fks_adapters.ai import text_model
from fks_adapters.ai.text_model import PackagedTextEmbedder
from fks_cli.bundled_candles import BundledCandleStore

START, END = 1_704_067_200_000, 1_711_929_600_000  # 2024-01-01 .. 2024-04-01: 2,184 hours
BTC_1H = SeriesKey.of("binance", "BTC/USDT", "1h")
SUBJECTS = ("funding", "liquidity", "CPI release", "exchange outage", "stop loss", "breakout", "weekend", "ETF flows")
VERBS = ("spiked before", "dried up during", "moved markets after", "hit the", "failed at", "thinned")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    started = time.perf_counter()
    frame = CandleSeriesReader(BundledCandleStore(now_ms=END + 86_400_000)).read(BTC_1H, START, END)
    candles = candles_from_frame(frame)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    states, valid = market_states(candles)
    states_s = time.perf_counter() - started
    print(f"{len(candles)} 1h bars read in {read_s:.2f} s; states ({MARKET_STATE_DIM} floats) in {_ms(states_s)}")

    rows = np.flatnonzero(valid)
    documents: list[Document] = []
    vectors: list[np.ndarray | None] = []
    for i in range(wanted):
        if i % 2 == 0 and rows.size:
            row = int(rows[(i // 2) % rows.size])
            text = f"buy BTC/USDT on binance 1h by strategy s{i % 7}: {'executed' if i % 3 else 'denied'}"
            documents.append(Document(f"signal:b{i}", DocumentKind.SIGNAL, text, int(candles.open_time[row])))
            vectors.append(states[row])
        else:
            text = f"{SUBJECTS[i % len(SUBJECTS)]} {VERBS[i % len(VERBS)]} the {i % 24}:00 bar, note {i}"
            documents.append(Document(f"note:n{i}", DocumentKind.NOTE, text, i))
            vectors.append(None)

    text_model._model.cache_clear()
    embedder = PackagedTextEmbedder()
    started = time.perf_counter()
    embedder.embed(["warm"])
    print(f"text model loaded from its wheel in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    text_vectors = embedder.embed([d.text for d in documents])
    embed_s = time.perf_counter() - started
    print(f"{len(documents)} texts embedded in {embed_s:.2f} s ({embed_s / len(documents) * 1e6:.0f} µs a text)")

    index = RetrievalIndex(embedder.name, embedder.dim, MARKET_STATE_DIM)
    started = time.perf_counter()
    index.upsert(documents, text_vectors, vectors)
    print(f"index of {len(index)} documents built in {time.perf_counter() - started:.2f} s (embedding excluded)")
    started = time.perf_counter()
    blobs = index.to_blobs()
    saved_s = time.perf_counter() - started
    started = time.perf_counter()
    RetrievalIndex.from_blobs(blobs)
    loaded_s = time.perf_counter() - started
    sizes = ", ".join(f"{name} {len(blob) / 1024:.0f} KiB" for name, blob in blobs.items())
    print(f"blobs: {sizes}; serialised in {_ms(saved_s)}, loaded in {_ms(loaded_s)}")

    text_times, market_times = [], []
    for i in range(200):
        started = time.perf_counter()
        index.search_text(embedder.embed([f"{SUBJECTS[i % len(SUBJECTS)]} before the move"])[0], 5)
        text_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        index.search_market(states[int(rows[(i * 37) % rows.size])], 5)
        market_times.append(time.perf_counter() - started)
    for name, times in (("text (embed + search)", text_times), ("market state", market_times)):
        ordered = sorted(times)
        print(f"search by {name}, k=5, 200 queries: median {_ms(statistics.median(ordered))}, "
              f"p95 {_ms(ordered[int(len(ordered) * 0.95)])}")  # fmt: skip

    # A briefing reads up to 2,000 bars of the signal's series (fks_app.briefings).
    bar = int(candles.open_time[-1])
    started = time.perf_counter()
    for _ in range(20):
        near = similar_states(candles, bar)
    briefing_s = (time.perf_counter() - started) / 20
    print(f"similar states of the newest of {len(candles)} bars ({near['neighbours_forward']['count']} neighbours, "
          f"{near['baseline_forward']['count']} past bars): {_ms(briefing_s)}")  # fmt: skip


if __name__ == "__main__":
    main()
