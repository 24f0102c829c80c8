"""`python -m evals bench`: speed and scale, ours against the stock alternatives in the same run.

1. Ingest: all of `../shared/corpus` into a fresh data dir with the weight-free embedder, `ingest_runs`
   times; median and every run (seconds, documents/s, chunks/s).
2. Search latency at 1k, 10k and 100k chunks (`evals.bench_build` grows the index synthetically and
   caches it): `KnowledgeIndex.search` against LangChain's BM25Retriever and plain Chroma
   `similarity_search` over the same chunks; p50/p95 after warm-up, and the ratios.
   Texterkennung (`evals.bench_ocr`): pages/s of a scanned PDF at 300 dpi (target ≥ 1 page/s).
3. Built-in `Assistant.ask` latency at 10k chunks; the gate's warm-up apart. The case-data gate with
   the storage filter on its own (`evals.bench_gate`): warm-up in a fresh process, p95 per question.
4. The running server at 10k chunks under `users` simultaneous colleagues for `duration` seconds:
   requests/s, p50/p95, errors, answer-log rows against answers.
5. The server's peak memory (VmHWM) over the 100k index after a few questions.

Every number is checked against `TARGETS`; a missed target is reported, not hidden. Errors or lost
log rows under load make `run` report `failed`, which the CLI turns into exit code 1.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from evals.bench_build import CACHE_ROOT, build_indexes
from evals.gold import load_questions
from ingest.pipeline import IngestPipeline
from ingest.sources import discover
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings

WARMUP = 20
MIN_QUERIES = 200
QUESTION_FILES = (
    "corpus_questions.jsonl",
    "knowledge_questions.jsonl",
    "followups.jsonl",
    "abstain_questions.jsonl",
)
# (key, what, at how many chunks (None: wherever measured), limit: the value must not exceed it)
TARGETS = (
    ("search_p95_ms", "Suche p95", 10_000, 30.0),
    ("search_p95_ms", "Suche p95", 100_000, 100.0),
    ("ask_p95_ms", "eingebaute Antwort p95", 10_000, 200.0),
    ("gate_p95_ms", "Falldaten-Prüfung + Speicherfilter p95", None, 5.0),
    ("gate_warmup_s", "Aufwärmen der Falldaten-Prüfung", None, 5.0),
    ("load_errors", "Fehler unter Last", None, 0),
    ("load_rows_lost", "verlorene Protokollzeilen unter Last", None, 0),
    ("sync_unchanged_s", "Abgleich eines unveränderten Ordners (je Befehl, s)", None, 10.0),
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    ask_size: int = 10_000  # ask latency and load test
    memory_size: int = 100_000
    users: int = 32
    duration: float = 60.0
    ingest_runs: int = 3
    memory_questions: int = 5
    ocr_pages: int = 6
    sync_files: int = 1_000  # `ingest sync` of an unchanged folder of this many files
    rebuild: bool = False
    cache_root: Path = field(default=CACHE_ROOT)

    @classmethod
    def quick(cls) -> BenchOptions:
        return cls(
            sizes=(1_000, 3_000),
            ask_size=3_000,
            memory_size=3_000,
            users=8,
            duration=10.0,
            ingest_runs=1,
            ocr_pages=1,
            sync_files=50,
        )

    def with_sizes(self, sizes: tuple[int, ...]) -> BenchOptions:
        """Other sizes; ask and load at the largest one up to 10k, memory at the largest."""
        ordered = tuple(sorted(set(sizes)))
        small = [s for s in ordered if s <= 10_000] or [ordered[0]]
        return replace(self, sizes=ordered, ask_size=small[-1], memory_size=ordered[-1])


def queries() -> list[str]:
    """The questions of every checked-in set (210 distinct ones), repeated up to `MIN_QUERIES`."""
    texts = [q.question for name in QUESTION_FILES for q in load_questions(name)]
    if not texts:
        raise ValueError("Keine Fragen in evals/datasets gefunden.")
    return list(islice(cycle(texts), max(MIN_QUERIES, len(texts))))


def run(
    corpus: Path, options: BenchOptions | None = None, *, progress: Progress | None = None
) -> dict[str, Any]:
    from evals.bench_ask import ask_latency
    from evals.bench_gate import gate_latency
    from evals.bench_ocr import ocr_throughput
    from evals.bench_search import search_latency
    from evals.bench_server import data_dir_over, load_test, memory_test
    from evals.bench_sync import sync_unchanged

    options = options or BenchOptions()
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    texts = queries()
    report: dict[str, Any] = {
        "machine": machine(),
        "options": _jsonable(asdict(options)),
        "queries": len(texts),
    }

    say("Falldaten-Prüfung mit Speicherfilter: Aufwärmen und Latenz je Frage")
    report["gate"] = gate_latency()
    report["ingest"] = ingest_throughput(corpus, options.ingest_runs, say)
    report["embedder"] = report["ingest"].pop("embedder")
    say("Texterkennung: gescanntes PDF mit 300 dpi im Leseprozess")
    report["ocr"] = ocr_throughput(corpus, options.ocr_pages)
    report["sync"] = sync_unchanged(
        corpus, options.sync_files, runs=1 if options.sync_files < 1_000 else 3, say=say
    )
    built = build_indexes(
        corpus, options.sizes, cache_root=options.cache_root, rebuild=options.rebuild, progress=say
    )
    report["indexes"] = built.meta
    report["search"] = search_latency(built, options.sizes, texts, warmup=WARMUP, progress=say)

    with tempfile.TemporaryDirectory(prefix="jha-bench-") as tmp:
        say(f"Eingebaute Antworten bei {options.ask_size} Abschnitten: {len(texts)} Fragen")
        ask_dir = data_dir_over(built.ours(options.ask_size) / "index", Path(tmp) / "ask")
        report["ask"] = {"chunks": options.ask_size, **ask_latency(ask_dir, texts, warmup=WARMUP)}
        say(f"Last: {options.users} Nutzer, {options.duration:.0f} s, {options.ask_size} Abschnitte")
        load_dir = data_dir_over(built.ours(options.ask_size) / "index", Path(tmp) / "load")
        report["load"] = {
            "chunks": options.ask_size,
            **load_test(
                load_dir, texts, users=options.users, duration=options.duration, log=Path(tmp) / "load.log"
            ),
        }
        say(f"Speicher: Server bei {options.memory_size} Abschnitten, {options.memory_questions} Fragen")
        memory_dir = data_dir_over(built.ours(options.memory_size) / "index", Path(tmp) / "memory")
        report["memory"] = {
            "chunks": options.memory_size,
            **memory_test(memory_dir, texts[: options.memory_questions], log=Path(tmp) / "memory.log"),
        }

    report["targets"] = check_targets(report)
    report["failed"] = [
        t["what"] for t in report["targets"] if t["met"] is False and t["key"].startswith("load_")
    ]
    report["machine"]["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def machine() -> dict[str, Any]:
    pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return {
        "cpu_count": os.cpu_count(),
        # Other work on the machine skews every number; the load average at the start tells.
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "memory_gib": round(pages * page_size / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def ingest_throughput(corpus: Path, runs: int, say: Progress) -> dict[str, Any]:
    """`runs` ingests of the whole corpus, each into an empty data dir; the median run and all runs."""
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())
    files = list(discover(folders))
    results = []
    with tempfile.TemporaryDirectory(prefix="jha-bench-ingest-") as tmp:
        for n in range(runs):
            say(f"Ingest {n + 1}/{runs}: {len(files)} Dateien")
            results.append(_ingest(folders, Path(tmp) / f"run{n}"))
    median = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
    return {
        "runs": runs,
        "files": len(files),
        **median,
        "documents_per_second": median["documents"] / median["seconds"],
        "chunks_per_second": median["chunks"] / median["seconds"],
        "all_seconds": [round(r["seconds"], 3) for r in results],
        "median_seconds": statistics.median(r["seconds"] for r in results),
    }


def _ingest(folders: list[Path], data_dir: Path) -> dict[str, Any]:
    """One ingest of `folders` into an empty data dir: wall time of opening the index and adding."""
    started = time.perf_counter()
    index = KnowledgeIndex.open(make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING))
    try:
        report = IngestPipeline(index).add(folders)
        embedder = index.embedder.id
    finally:
        index.close()
    seconds = time.perf_counter() - started
    if report.failed:
        raise RuntimeError(f"Ingest fehlgeschlagen: {report.failed}")
    return {
        "seconds": seconds,
        "documents": len(report.added),
        "duplicates": len(report.duplicates),
        "chunks": sum(entry.chunks for entry in report.added),
        "embedder": embedder,
    }


def check_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with the measured value and whether it is met (None: not measured in this run)."""
    values: dict[tuple[str, int | None], float] = {}
    for row in report.get("search", []):
        values["search_p95_ms", row["chunks"]] = row["ours"]["p95_ms"]
    if "ask" in report:
        values["ask_p95_ms", report["ask"]["chunks"]] = report["ask"]["p95_ms"]
    if "gate" in report:
        values["gate_p95_ms", None] = report["gate"]["wall_p95_ms"]
        values["gate_warmup_s", None] = report["gate"]["warmup_s"]
    if "sync" in report:
        values["sync_unchanged_s", None] = report["sync"]["unchanged_seconds"]
    if "load" in report:
        values["load_errors", None] = report["load"]["errors"]
        values["load_rows_lost", None] = report["load"]["log_rows_lost"]
    checked = []
    for key, what, chunks, limit in TARGETS:
        value = values.get((key, chunks))
        checked.append(
            {
                "key": key,
                "what": what + (f" bei {chunks:,} Abschnitten".replace(",", ".") if chunks else ""),
                "chunks": chunks,
                "limit": limit,
                "value": value,
                "met": None if value is None else _meets(key, value, limit),
            }
        )
    return checked


def _meets(key: str, value: float, limit: float) -> bool:
    # Log rows must equal answers exactly: more rows than answers would be as wrong as fewer.
    return value == limit if key.startswith("load_") else value <= limit


def _jsonable(options: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in options.items()}
