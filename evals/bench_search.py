"""Search latency at each index size: ours against the two stock alternatives, same queries.

Per size: `KnowledgeIndex.search(q, k=10)` (hybrid in the default weight-free mode: hashed vectors
in Chroma, BM25 and § references, fused), LangChain's `BM25Retriever` over the same chunk texts, and
LangChain's Chroma `similarity_search` over a stock collection of the same chunks and vectors. Each runs the
warm-up queries unmeasured, then every query once, one after another (latency, not throughput). The
first query after opening is reported apart.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from evals.bench_build import BuiltIndexes
from evals.bench_stats import measure, ratio
from evals.bench_stock import bm25_retriever, chroma_store, chunk_texts, release_chroma
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings

K = 10
T = TypeVar("T")
SYSTEMS = {
    "ours": "unsere Suche (hybrid)",
    "bm25": "LangChain BM25Retriever",
    "chroma": "Chroma similarity_search",
}

Progress = Callable[[str], None]


def search_latency(
    built: BuiltIndexes,
    sizes: Sequence[int],
    queries: Sequence[str],
    *,
    warmup: int,
    progress: Progress,
    embedder: str = "hashing",
    stock: bool = True,
) -> list[dict[str, Any]]:
    """Per size: ours (with `embedder`) and, with `stock`, LangChain's BM25 and Chroma beside it."""
    results = []
    for size in sizes:
        progress(f"Suche bei {size} Abschnitten: {len(queries)} Anfragen je System")
        ours_dir, stock_dir = built.ours(size), built.stock(size) if stock else None
        results.append(_at_size(ours_dir, stock_dir, queries, warmup, EmbedderMode(embedder)))
        release_chroma()
        gc.collect()
    return results


def _at_size(
    ours_dir: Path,
    stock_dir: Path | None,
    queries: Sequence[str],
    warmup: int,
    embedder: EmbedderMode = EmbedderMode.HASHING,
) -> dict[str, Any]:
    index, opened = _timed(lambda: KnowledgeIndex.open(make_settings(data_dir=ours_dir, embedder=embedder)))
    try:
        stats = index.stats()
        _, first = _timed(lambda: index.search(queries[0], k=K))
        cpu_started = time.process_time()
        ours = {
            **measure(lambda q: index.search(q, k=K), queries, warmup=warmup),
            "open_s": opened,
            "first_ms": first * 1000,
        }
        # CPU per query too: wall time on a shared machine measures the neighbours as well.
        ours["cpu_ms_per_query"] = (time.process_time() - cpu_started) * 1000 / (warmup + len(queries))
    finally:
        index.close()
    measured: dict[str, Any] = {
        "chunks": stats.chunks,
        "documents": stats.documents,
        "queries": len(queries),
        "k": K,
        "ours": ours,
    }
    if stock_dir is None:
        return measured

    bm25 = _bm25(ours_dir / "index" / "catalog.sqlite3", queries, warmup)
    gc.collect()
    chroma = _chroma(stock_dir, queries, warmup)

    return {
        **measured,
        "bm25": bm25,
        "chroma": chroma,
        "ratios": {
            f"ours/{other}": {
                "p50": ratio(ours["p50_ms"], theirs["p50_ms"]),
                "p95": ratio(ours["p95_ms"], theirs["p95_ms"]),
            }
            for other, theirs in (("bm25", bm25), ("chroma", chroma))
        },
    }


def _bm25(catalog: Path, queries: Sequence[str], warmup: int) -> dict[str, Any]:
    texts = [text for _, _, text in chunk_texts(catalog)]
    retriever, built = _timed(lambda: bm25_retriever(texts, k=K))
    return {**measure(retriever.invoke, queries, warmup=warmup), "build_s": built}


def _chroma(directory: Path, queries: Sequence[str], warmup: int) -> dict[str, Any]:
    store, opened = _timed(lambda: chroma_store(directory))
    _, first = _timed(lambda: store.similarity_search(queries[0], k=K))
    return {
        **measure(lambda q: store.similarity_search(q, k=K), queries, warmup=warmup),
        "open_s": opened,
        "first_ms": first * 1000,
        "vectors": int(store._collection.count()),
    }


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started
