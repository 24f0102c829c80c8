"""Scale of one embedder alone: `python -m evals.bench_scale --embedder ngram --sizes 1000,10000,100000`.

The parts of `python -m evals bench` that grow with the index, without the stock baselines (Chroma
inserts 4096-dim vectors at ~100 chunks/s, too slow for 100k on a shared machine): building each
size (`evals.bench_build`, chunks per second of wall and of CPU time), search latency
(`evals.bench_search`: p50/p95, the first query after opening, CPU per query) and the server's peak
RSS over the largest index after a few questions (`evals.bench_server.memory_test`). Prints one table
row per size; `--report` writes the whole JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from evals.bench import MIN_QUERIES, WARMUP, machine, queries
from evals.bench_build import CACHE_ROOT, build_indexes
from evals.bench_search import search_latency
from evals.bench_server import data_dir_over, memory_test

PROJECT = Path(__file__).resolve().parent.parent
MEMORY_QUESTIONS = 5


def run(
    corpus: Path, sizes: tuple[int, ...], embedder: str, cache_root: Path, *, rebuild: bool
) -> dict[str, Any]:
    texts = queries()
    report: dict[str, Any] = {"machine": machine(), "embedder": embedder, "queries": len(texts)}
    built = build_indexes(
        corpus, sizes, cache_root=cache_root, rebuild=rebuild, progress=print, embedder=embedder, stock=False
    )
    report["indexes"] = built.meta
    report["search"] = search_latency(
        built, sizes, texts, warmup=WARMUP, progress=print, embedder=embedder, stock=False
    )
    with tempfile.TemporaryDirectory(prefix="jha-bench-scale-") as tmp:
        print(f"Speicher: Server bei {sizes[-1]} Abschnitten, {MEMORY_QUESTIONS} Fragen")
        memory_dir = data_dir_over(built.ours(sizes[-1]) / "index", Path(tmp) / "memory")
        report["memory"] = {
            "chunks": sizes[-1],
            **memory_test(memory_dir, texts[:MEMORY_QUESTIONS], Path(tmp) / "memory.log", embedder=embedder),
        }
    return report


def table(report: dict[str, Any]) -> str:
    """One row per size: build rate, search p50/p95, first query, CPU per query; peak RSS of the largest."""
    stages = {stage["size"]: stage["ours"] for stage in report["indexes"]["stages"]}
    lines = [
        f"Embedder {report['embedder']}, {report['queries']} Anfragen (k=10), "
        f"Last beim Start {report['machine']['load_average_1m_at_start']}",
        "Abschnitte | Aufbau/s (Wand) | Aufbau/CPU-s | p50 ms | p95 ms | erste ms | CPU ms/Anfrage | RSS MiB",
    ]
    for row in report["search"]:
        stage, ours = stages[row["chunks"]], row["ours"]
        rss = (
            f"{report['memory']['peak_rss_mib']:.0f}" if row["chunks"] == report["memory"]["chunks"] else "–"
        )
        lines.append(
            f"{row['chunks']:>10} | {stage['chunks_per_second']:>15.0f} | "
            f"{stage['chunks_per_cpu_second']:>12.0f} | "
            f"{ours['p50_ms']:>6.2f} | {ours['p95_ms']:>6.2f} | {ours['first_ms']:>8.1f} | "
            f"{ours['cpu_ms_per_query']:>14.2f} | {rss:>7}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=PROJECT.parent / "shared" / "corpus")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--embedder", default="ngram", choices=("ngram", "hashing"))
    parser.add_argument("--cache-dir", type=Path, default=CACHE_ROOT)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--report", type=Path)
    args = parser.parse_args(argv)
    sizes = tuple(sorted({int(part) for part in args.sizes.split(",") if part.strip()}))
    report = run(args.corpus, sizes, args.embedder, args.cache_dir, rebuild=args.rebuild)
    report["min_queries"] = MIN_QUERIES
    if args.report:
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(report))


if __name__ == "__main__":
    main()
