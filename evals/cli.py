"""`python -m evals`: retrieval quality with thresholds (`run`) and speed (`bench`)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from knowledge.settings import EmbedderMode

app = typer.Typer(help="Qualität und Geschwindigkeit messen.", no_args_is_help=True)
console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

PROJECT = Path(__file__).resolve().parent.parent
REPORT_DIR = PROJECT / "evals" / "report"
EXIT_BELOW_THRESHOLD = 1
EXIT_USAGE = 2
METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")

CorpusOption = Annotated[
    Path, typer.Option("--corpus", help="Der gemeinsame Korpus (press, laws, bylaws, formats).")
]


@app.command()
def run(  # noqa: PLR0917 - typer maps every option to a parameter
    corpus: CorpusOption = PROJECT.parent / "shared" / "corpus",
    knowledge: Annotated[Path, typer.Option("--knowledge", help="Die Standard-Wissensbasis.")] = PROJECT
    / "knowledge"
    / "documents",
    thresholds: Annotated[Path, typer.Option("--thresholds", help="Mindestwerte (TOML).")] = PROJECT
    / "evals"
    / "thresholds.toml",
    report_path: Annotated[Path, typer.Option("--report", help="JSON-Bericht.")] = REPORT_DIR / "report.json",
    questions: Annotated[
        bool, typer.Option("--questions", help="Verfehlte Fragen mit Gold und Treffern in den Bericht.")
    ] = False,
    embedder: Annotated[
        EmbedderMode, typer.Option("--embedder", help="Embedder der frischen Indizes.")
    ] = EmbedderMode.HASHING,
    as_json: Annotated[bool, typer.Option("--json", help="Den Bericht auf stdout ausgeben.")] = False,
) -> None:
    """Frische Indizes bauen, Fragen stellen, mit LangChain vergleichen; Exit 1 unter einem Schwellwert."""
    from evals.run_quality import check, load_thresholds, question_sets
    from evals.run_quality import run as run_sets

    if not corpus.is_dir():
        console.print(f"[red]Korpus nicht gefunden: {corpus}[/red]")
        raise typer.Exit(EXIT_USAGE)
    limits = load_thresholds(thresholds) if thresholds.exists() else {}
    if not limits:
        console.print(f"[yellow]Keine Schwellwerte in {thresholds}; es wird nur gemessen.[/yellow]")
    report = run_sets(
        question_sets(corpus, knowledge),
        embedder=embedder,
        misses=questions,
        progress=lambda message: console.print(f"[dim]{message}[/dim]"),
    )
    report["thresholds"] = limits
    report["failures"] = check(report, limits)
    _write(report_path, report)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        _print_quality(report)
        out.print(f"Bericht: {report_path}")
    for failure in report["failures"]:
        console.print(f"[red]Unter Schwellwert:[/red] {failure}")
    raise typer.Exit(EXIT_BELOW_THRESHOLD if report["failures"] else 0)


@app.command()
def bench(
    corpus: CorpusOption = PROJECT.parent / "shared" / "corpus",
    report_path: Annotated[Path, typer.Option("--report", help="JSON-Bericht.")] = REPORT_DIR / "bench.json",
    as_json: Annotated[bool, typer.Option("--json", help="Den Bericht auf stdout ausgeben.")] = False,
) -> None:
    """Ingest-Durchsatz (Median aus 3 Läufen) und Suchlatenz (p50/p95), mit LangChain-BM25 zum Vergleich."""
    from evals.bench import run as run_bench

    if not corpus.is_dir():
        console.print(f"[red]Korpus nicht gefunden: {corpus}[/red]")
        raise typer.Exit(EXIT_USAGE)
    report = run_bench(corpus, progress=lambda message: console.print(f"[dim]{message}[/dim]"))
    _write(report_path, report)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
        return
    _print_bench(report)
    out.print(f"Bericht: {report_path}")


def _write(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _print_quality(report: dict[str, Any]) -> None:
    for name, result in report["sets"].items():
        if "skipped" in result:
            out.print(f"[yellow]{name}: übersprungen – {result['skipped']}[/yellow]")
            continue
        ingest = result["ingest"]
        table = Table(
            title=(
                f"{name}: {result['questions']} Fragen, {ingest['documents']} Dokumente, "
                f"{ingest['chunks']} Abschnitte (Baseline {result['baseline_chunks']}), {result['embedder']}"
            )
        )
        for column in ("Metrik", "unsere", "ungerade", "gerade", "Baseline", "Faktor", "Schwelle"):
            table.add_column(column, justify="left" if column == "Metrik" else "right")
        limits = report["thresholds"].get(name, {})
        for metric in METRICS:
            ours, theirs = result["ours"][metric], result["baseline"][metric]
            limit = limits.get(metric)
            verdict = "" if limit is None else f"{'✓' if ours >= limit else '✗'} {limit:.2f}"
            table.add_row(
                metric,
                f"{ours:.3f}",
                f"{result['halves']['odd']['ours'][metric]:.3f}",
                f"{result['halves']['even']['ours'][metric]:.3f}",
                f"{theirs:.3f}",
                f"{ours / theirs:.2f}×" if theirs else "–",
                verdict,
            )
        out.print(table)
        duplicates = ingest.get("duplicates")
        if duplicates:
            out.print(
                f"  Duplikate: {duplicates['skipped_as_duplicates']} von {duplicates['files']} erkannt, "
                f"{duplicates['added']} neu indexiert"
            )
        if result["unreachable"]:
            out.print(f"  [yellow]Gold nicht im Index: {', '.join(result['unreachable'])}[/yellow]")


def _print_bench(report: dict[str, Any]) -> None:
    ingest, search, baseline = report["ingest"], report["search"], report["baseline"]
    out.print(f"Maschine: {report['machine']['cpu_count']} Kerne, Python {report['machine']['python']}")
    table = Table(
        title=f"Ingest ({ingest['files']} Dateien, Median aus {ingest['runs']} Läufen, {report['embedder']})"
    )
    for column in ("Sekunden", "Dokumente", "Duplikate", "Abschnitte", "Dokumente/s", "Abschnitte/s"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{ingest['seconds']:.2f}",
        str(ingest["documents"]),
        str(ingest["duplicates"]),
        str(ingest["chunks"]),
        f"{ingest['documents_per_second']:.1f}",
        f"{ingest['chunks_per_second']:.0f}",
    )
    out.print(table)
    table = Table(title=f"Suche ({search['queries']} Anfragen nach {search['warmup']} zum Aufwärmen, k=10)")
    for column in ("", "p50 ms", "p95 ms", "Mittel ms"):
        table.add_column(column, justify="right")
    for label, numbers in (("unsere (hybrid)", search), ("LangChain BM25Retriever", baseline["search"])):
        table.add_row(
            label, f"{numbers['p50_ms']:.2f}", f"{numbers['p95_ms']:.2f}", f"{numbers['mean_ms']:.2f}"
        )
    out.print(table)
    out.print(f"Baseline-Aufbau: {baseline['build_seconds']:.2f} s für {baseline['chunks']} Abschnitte")


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    app()
