"""`python -m evals.bench_ingest`: what hostile files cost the ingest, and what the parse sandbox costs.

1. Each hostile file (made here, see `evals.hostile_files`) alone through `python -m ingest add FILE --json`
   in a fresh data dir: wall seconds of the whole command, peak RSS of the command and every process it
   waited for (the parse worker and its children), and the message. A good file beside it shows the
   fixed cost of one command.
2. The sandbox: every file of the corpus parsed in this process (`parse_file`) and through
   `ParseSandbox` (worker start, a fork per file, JSON back), in the same run.

Absolute seconds move with the load of a shared machine; compare numbers of one run.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from evals.hostile_files import big_text, docx_bomb, long_pdf, random_cp1252
from evals.ingest_process import ingest_env, run_measured
from ingest.limits import LoadError
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.parse import ParseRequest, parse_file
from ingest.sandbox import ParseSandbox

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _hostile(folder: Path, corpus: Path, large: bool) -> dict[str, Callable[[], Path]]:
    files: dict[str, Callable[[], Path]] = {
        "gut.txt (Pressemitteilung)": lambda: Path(
            shutil.copy(corpus / "press" / "001_170159435c02ff57.txt", folder / "gut.txt")
        ),
        "Zip-Bombe 2,5 GB (DOCX)": lambda: docx_bomb(folder / "bombe.docx", 2_500_000_000),
        "Zip-Bombe 150 MB, 300-fach (DOCX)": lambda: docx_bomb(
            folder / "dicht.docx", 150_000_000, with_crc=True
        ),
        "Zip-Bombe mit falschen Größenangaben": lambda: docx_bomb(
            folder / "luegt.docx", 2_500_000_000, declared_bytes=1_000_000
        ),
        "PDF mit 2.000 Seiten": lambda: long_pdf(folder / "seiten.pdf", 2000),
        "Text 25 MB": lambda: big_text(folder / "gross.txt", corpus, 25),
        "Zufallsbytes als Windows-1252": lambda: random_cp1252(
            folder / "zufall.txt", 200_000, printable=False
        ),
        "druckbare Zufallsbytes": lambda: random_cp1252(folder / "druckbar.txt", 200_000, printable=True),
    }
    if large:
        files["Text 4,9 MB (innerhalb der Grenze)"] = lambda: big_text(folder / "fast5.txt", corpus, 4.9)
    return files


def measure_hostile(corpus: Path, work: Path, *, large: bool = False) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with ParseSandbox() as sandbox:
        sandbox.parse(ParseRequest(path=str(corpus / "press" / "001_170159435c02ff57.txt"), source="warm"))
        for label, make in _hostile(work, corpus, large).items():
            path = make()
            started = time.perf_counter()
            with contextlib.suppress(LoadError):  # the failures are what is measured
                sandbox.parse(ParseRequest(path=str(path), source=path.name))
            parse_seconds = time.perf_counter() - started
            data_dir = work / f"var-{path.stem}"
            result = run_measured(["add", str(path), "--json"], ingest_env(data_dir))
            report = result.json()
            failed = report["failed"]
            chunks = sum(entry["chunks"] for entry in report["added"])
            rows.append(
                {
                    "file": label,
                    "bytes": path.stat().st_size,
                    "parse_seconds": round(parse_seconds, 3),
                    "command_seconds": round(result.seconds, 2),
                    "peak_rss_mb": round(result.peak_rss_mb),
                    "outcome": failed[0]["error"] if failed else f"indexiert: {chunks} Abschnitte",
                }
            )
            shutil.rmtree(data_dir, ignore_errors=True)
            path.unlink()
    return rows


def measure_sandbox(corpus: Path) -> dict[str, Any]:
    """Every corpus file parsed in this process and in the sandbox, both warm; the worker start apart."""
    files = [
        p
        for p in sorted(corpus.rglob("*"))
        if p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() != "readme.md"
    ]
    requests = [ParseRequest(path=str(p), source=p.relative_to(corpus).as_posix()) for p in files]
    for request in requests:  # imports and caches warm, as they are in the worker after its start
        parse_file(request)
    started = time.perf_counter()
    for request in requests:
        parse_file(request)
    in_process = time.perf_counter() - started
    started = time.perf_counter()
    with ParseSandbox() as sandbox:
        sandbox.parse(requests[0])
        start_up = time.perf_counter() - started
        started = time.perf_counter()
        peaks = [sandbox.parse(request).peak_rss_mb for request in requests]
        sandboxed = time.perf_counter() - started
    return {
        "files": len(files),
        "in_process_seconds": round(in_process, 2),
        "sandbox_seconds": round(sandboxed, 2),
        "worker_start_seconds": round(start_up, 2),
        "overhead_per_file_ms": round(1000 * (sandboxed - in_process) / len(files), 1),
        "child_peak_rss_mb": round(max(peaks)),
    }


def main(
    corpus: Annotated[Path, typer.Option(help="Korpus (../shared/corpus).")] = DEFAULT_CORPUS,
    large: Annotated[
        bool, typer.Option("--large", help="Auch eine Textdatei knapp unter der Grenze (Minuten).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    with tempfile.TemporaryDirectory(prefix="jha-bench-ingest-") as work:
        hostile = measure_hostile(corpus, Path(work), large=large)
    sandbox = measure_sandbox(corpus)
    if as_json:
        typer.echo(json.dumps({"hostile": hostile, "sandbox": sandbox}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'Datei':38} {'Bytes':>11} {'Lesen s':>8} {'Befehl s':>9} {'Spitze MB':>10}  Ergebnis")
    for row in hostile:
        numbers = f"{row['bytes']:>11,} {row['parse_seconds']:>8.3f} {row['command_seconds']:>9.2f}"
        typer.echo(f"{row['file']:38} {numbers} {row['peak_rss_mb']:>10}  {row['outcome']}")
    typer.echo(
        f"\nSandbox: {sandbox['files']} Korpusdateien, im Prozess {sandbox['in_process_seconds']} s, "
        f"im Leseprozess {sandbox['sandbox_seconds']} s, also {sandbox['overhead_per_file_ms']} ms je Datei; "
        f"Start des Leseprozesses mit erster Datei {sandbox['worker_start_seconds']} s, "
        f"Kindprozess höchstens {sandbox['child_peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    typer.run(main)
