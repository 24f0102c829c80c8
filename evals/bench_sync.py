"""`python -m evals.bench_sync`: `python -m ingest sync` of an unchanged folder (target: 1,000 files ≤ 10 s).

A folder of distinct German text files (words of the corpus in a seeded random order, so that no two are
near-duplicates) is synced once (every file read and indexed), then synced again unchanged: each run in a
fresh process, as a timer starts it, timed from process start to exit (imports, opening the index and the
Prüfprotokoll, hashing every file). Beside the wall time: the command's CPU time (on a shared machine
the wall time is mostly waiting for a core) and the in-process time of the sync itself.
"""

from __future__ import annotations

import random
import re
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from evals.ingest_process import ingest_env, run_measured

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")
_WORDS_PER_FILE = 120


def write_folder(folder: Path, corpus: Path, files: int) -> None:
    """`files` text files of distinct word sequences drawn from the corpus's vocabulary."""
    words = sorted({w for p in sorted(corpus.rglob("*.md")) for w in _WORD.findall(p.read_text("utf-8"))})
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        rng = random.Random(number)
        body = " ".join(rng.choices(words, k=_WORDS_PER_FILE))
        text = f"Vermerk {number}\n\nDer Vermerk und die Akte: {body}. Das ist nicht der Fall.\n"
        (folder / f"vermerk_{number:04d}.txt").write_text(text, encoding="utf-8")


def sync_unchanged(
    corpus: Path, files: int = 1000, runs: int = 3, say: Callable[[str], None] = lambda _m: None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jha-bench-sync-") as tmp:
        folder = Path(tmp) / "ablage"
        write_folder(folder, corpus, files)
        env = ingest_env(Path(tmp) / "var")
        say(f"Abgleich: {files} Dateien zum ersten Mal (alle werden gelesen und indexiert)")
        first = run_measured(["sync", str(folder), "--json"], env, timeout=3600)
        if first.returncode != 0:
            raise RuntimeError(f"Erster Abgleich fehlgeschlagen: {first.stderr}")
        added = len(first.json()["added"])
        say(f"Abgleich: {files} unveränderte Dateien, {runs} Läufe")
        unchanged = []
        for _ in range(runs):
            run = run_measured(["sync", str(folder), "--json"], env)
            report = run.json()
            if run.returncode != 0 or len(report["unchanged"]) != added or report["files_read"]:
                raise RuntimeError(f"Unveränderter Abgleich las Dateien oder scheiterte: {report['summary']}")
            unchanged.append((run.seconds, report["seconds"], run.peak_rss_mb, run.cpu_seconds))
    return {
        "files": files,
        "documents": added,
        "first_seconds": round(first.seconds, 2),
        "unchanged_seconds": round(statistics.median(run[0] for run in unchanged), 2),
        "unchanged_all_seconds": [round(run[0], 2) for run in unchanged],
        "unchanged_cpu_seconds": round(statistics.median(run[3] for run in unchanged), 2),
        "unchanged_sync_seconds": round(statistics.median(run[1] for run in unchanged), 3),
        "unchanged_peak_rss_mb": round(max(run[2] for run in unchanged), 1),
    }


def main(
    corpus: Annotated[Path, typer.Option(help="Korpus, aus dessen Wörtern die Dateien entstehen.")] = (
        DEFAULT_CORPUS
    ),
    files: Annotated[int, typer.Option(min=1, help="Dateien im Ordner.")] = 1000,
    runs: Annotated[int, typer.Option(min=1, help="Läufe des unveränderten Abgleichs.")] = 3,
) -> None:
    result = sync_unchanged(corpus, files, runs, say=print)
    print(
        f"Erster Abgleich ({result['documents']} Dokumente): {result['first_seconds']:.1f} s; "
        f"unverändert ({result['files']} Dateien, Median aus {runs}): {result['unchanged_seconds']:.2f} s "
        f"je Befehl, CPU {result['unchanged_cpu_seconds']:.2f} s (Abgleich selbst "
        f"{result['unchanged_sync_seconds']:.2f} s; alle Läufe "
        f"{result['unchanged_all_seconds']}); Spitzenspeicher {result['unchanged_peak_rss_mb']} MB; "
        "Ziel ≤ 10 s"
    )


if __name__ == "__main__":
    typer.run(main)
