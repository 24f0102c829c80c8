"""`POST /api/chat` throughput and p95 with 1, 2 and 4 workers on the server stack (Chroma server +
PostgreSQL, both started here on loopback, a database of their own), `users` colleagues at once for
`duration` seconds per worker count; answer-log rows against answers served, and errors.

`python -m evals.bench_workers [--quick] [--json PATH]`; `--quick` runs 15 s per worker count. The index
is the corpus (press, laws, bylaws) built once into the Chroma server; every worker count gets the same.
Client and server share this machine's cores, so absolute numbers move; the ratio 2 : 1 workers is the
measure (issue 11: ≥ 1.8×, p95 ≤ 500 ms with 2 workers, 0 errors, log rows = answers served).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from evals.bench import queries
from evals.bench_server import load_test
from evals.server_stack import ChromaServer, RunDatabase, database_server_url, unique_collection

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
WORKERS = (1, 2, 4)
USERS = 64


def build_index(data_dir: Path, stack: dict[str, str] | None = None, paths: list[Path] | None = None) -> int:
    """The corpus (press, laws, bylaws; or `paths`) into `data_dir`'s index: on the server `stack`, or
    without one on the embedded default stack (Chroma on disk, SQLite). Returns the chunk count."""
    from ingest.pipeline import IngestPipeline
    from knowledge.index import KnowledgeIndex
    from knowledge.settings import EmbedderMode, make_settings

    settings = make_settings(
        data_dir=data_dir,
        embedder=EmbedderMode.HASHING,
        chroma_url=(stack or {}).get("JHA_CHROMA_URL"),
        database_url=(stack or {}).get("JHA_DATABASE_URL"),
        **({"chroma_collection": stack["JHA_CHROMA_COLLECTION"]} if stack else {}),
    )
    index = KnowledgeIndex.open(settings)
    try:
        report = IngestPipeline(index).add(paths or [CORPUS / "press", CORPUS / "laws", CORPUS / "bylaws"])
        if report.failed:
            raise RuntimeError(f"Korpus nicht vollständig indexiert: {report.failed}")
        return index.stats().chunks
    finally:
        index.close()


def run(*, duration: float, users: int = USERS, workers: tuple[int, ...] = WORKERS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jha-bench-workers-") as tmp:
        root = Path(tmp)
        # The database first: without one the run stops before a Chroma server is left running.
        database = RunDatabase(database_server_url())
        try:
            chroma = ChromaServer(root / "chroma")
            try:
                stack = {
                    "JHA_CHROMA_URL": chroma.url,
                    "JHA_CHROMA_COLLECTION": unique_collection(),
                    "JHA_DATABASE_URL": database.url,
                }
                data_dir = root / "var"
                chunks = build_index(data_dir, stack)
                texts = queries()
                runs = [
                    load_test(
                        data_dir,
                        texts,
                        users=users,
                        duration=duration,
                        log=root / f"w{n}.log",
                        workers=n,
                        stack=stack,
                    )
                    for n in workers
                ]
            finally:
                chroma.stop()
        finally:
            database.drop()
    one = runs[0]["requests_per_second"] or 1.0
    for result in runs:
        result["speedup"] = result["requests_per_second"] / one
    return {"chunks": chunks, "users": users, "duration_s": duration, "runs": runs}


def table(report: dict[str, Any]) -> str:
    lines = [
        f"/api/chat, {report['users']} Nutzer, {report['duration_s']:.0f} s je Lauf, "
        f"{report['chunks']} Abschnitte, Chroma-Server + PostgreSQL",
        "| Worker | Anfragen/s | × 1 Worker | p50 ms | p95 ms | Antworten | Protokollzeilen | Fehler "
        "| CPU ms/Anfrage Server | CPU ms/Anfrage Lastgenerator |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["runs"]:
        latency = r["latency"] or {}
        lines.append(
            f"| {r['workers']} | {r['requests_per_second']:.1f} | {r['speedup']:.2f} | "
            f"{latency.get('p50_ms', 0):.0f} | {latency.get('p95_ms', 0):.0f} | {r['answered']} | "
            f"{r['log_rows_written']} | {r['errors']} {r['error_kinds'] or ''} | "
            f"{r['server_cpu_ms_per_request']:.1f} | {r['client_cpu_ms_per_request']:.1f} |"
        )
    return "\n".join(lines)


def main(
    quick: Annotated[bool, typer.Option("--quick", help="15 s je Worker-Zahl statt 60 s.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Bericht als JSON hierhin.")] = None,
) -> None:
    """Durchsatz und p95 von /api/chat mit 1, 2 und 4 Workern auf Chroma-Server und PostgreSQL."""
    report = run(duration=15.0 if quick else 60.0)
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    typer.echo(table(report))


if __name__ == "__main__":
    typer.run(main)
