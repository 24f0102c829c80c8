"""`python -m evals bench`: ingest throughput and search latency, ours and the stock baseline's.

- Ingest: all of `../shared/corpus` into a fresh temporary data directory with the weight-free
  embedder, `RUNS` times; the median run is reported (seconds, documents/s, chunks/s).
- Search: `index.search(question, k=10)` over that index for every question of the checked-in sets
  (at least `MIN_QUERIES`, cycling when there are fewer), after `WARMUP` unmeasured queries; p50/p95.
- Baseline: LangChain's BM25Retriever over the same files (`evals.baseline`), same queries.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from evals.baseline import BaselineRetriever
from evals.gold import load_questions
from ingest.pipeline import IngestPipeline, discover
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings

RUNS = 3
WARMUP = 20
MIN_QUERIES = 200
QUESTION_FILES = (
    "corpus_questions.jsonl",
    "knowledge_questions.jsonl",
    "followups.jsonl",
    "abstain_questions.jsonl",
)

Progress = Callable[[str], None]


def queries() -> list[str]:
    """The questions of every checked-in set, repeated up to `MIN_QUERIES`."""
    texts = [q.question for name in QUESTION_FILES for q in load_questions(name)]
    if not texts:
        raise ValueError("Keine Fragen in evals/datasets gefunden.")
    return list(islice(cycle(texts), max(MIN_QUERIES, len(texts))))


def run(corpus: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    say = progress or (lambda _message: None)
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())
    files = [(f.source, f.path) for f in discover(folders)]
    texts = queries()
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="jha-bench-") as tmp:
        for n in range(RUNS):
            say(f"Ingest {n + 1}/{RUNS}: {len(files)} Dateien")
            runs.append(_ingest(folders, Path(tmp) / f"run{n}"))
        say(f"Suche: {len(texts)} Anfragen")
        index = KnowledgeIndex.open(
            make_settings(data_dir=Path(tmp) / f"run{RUNS - 1}", embedder=EmbedderMode.HASHING)
        )
        try:
            ours = _latencies(lambda q: index.search(q, k=10), texts)
            embedder = index.embedder.id
        finally:
            index.close()

    say("Baseline: LangChain BM25Retriever")
    started = time.perf_counter()
    baseline = BaselineRetriever(files, k=10)
    baseline_build = time.perf_counter() - started
    theirs = _latencies(baseline.search, texts)

    median = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "embedder": embedder,
        "ingest": {
            "runs": RUNS,
            "files": len(files),
            **median,
            "documents_per_second": median["documents"] / median["seconds"],
            "chunks_per_second": median["chunks"] / median["seconds"],
            "all_seconds": [round(r["seconds"], 3) for r in runs],
        },
        "search": {"queries": len(texts), "warmup": WARMUP, "k": 10, **ours},
        "baseline": {
            "build_seconds": baseline_build,
            "chunks": len(baseline.chunks),
            "search": {"queries": len(texts), "warmup": WARMUP, "k": 10, **theirs},
        },
    }


def _ingest(folders: list[Path], data_dir: Path) -> dict[str, Any]:
    """One ingest of `folders` into an empty data dir: wall time of opening the index and adding."""
    started = time.perf_counter()
    index = KnowledgeIndex.open(make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING))
    try:
        report = IngestPipeline(index).add(folders)
    finally:
        index.close()
    seconds = time.perf_counter() - started
    if report.failed:
        raise RuntimeError(f"Ingest fehlgeschlagen: {report.failed}")
    return {
        "seconds": seconds,
        "documents": len(report.added),
        "duplicates": len(report.duplicates),
        "chunks": sum(entry["chunks"] for entry in report.added),
    }


def _latencies(search: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    for text in texts[:WARMUP]:
        search(text)
    timings = []
    for text in texts:
        started = time.perf_counter()
        search(text)
        timings.append((time.perf_counter() - started) * 1000)
    percentiles = statistics.quantiles(timings, n=100, method="inclusive")
    return {"p50_ms": percentiles[49], "p95_ms": percentiles[94], "mean_ms": statistics.fmean(timings)}
