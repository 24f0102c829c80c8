"""`python -m evals`: quality with thresholds (`run`: retrieval, answers, policy, gate), speed (`bench`)."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from knowledge.settings import EmbedderMode

app = typer.Typer(help="Qualität und Geschwindigkeit messen.", no_args_is_help=True)
console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

PROJECT = Path(__file__).resolve().parent.parent
REPORT_DIR = PROJECT / "evals" / "report"
EXIT_BELOW_THRESHOLD = 1
EXIT_USAGE = 2

CorpusOption = Annotated[
    Path, typer.Option("--corpus", help="Der gemeinsame Korpus (press, laws, bylaws, formats).")
]


@app.command()
def run(  # noqa: PLR0917 - typer maps every option to a parameter
    corpus: CorpusOption = PROJECT.parent / "shared" / "corpus",
    knowledge: Annotated[Path, typer.Option("--knowledge", help="Die Standard-Wissensbasis.")] = PROJECT
    / "knowledge"
    / "documents",
    thresholds: Annotated[Path, typer.Option("--thresholds", help="Schwellwerte (TOML).")] = PROJECT
    / "evals"
    / "thresholds.toml",
    report_path: Annotated[Path, typer.Option("--report", help="JSON-Bericht.")] = REPORT_DIR / "report.json",
    html_path: Annotated[
        Path | None, typer.Option("--html", help="HTML-Bericht (Standard: neben dem JSON-Bericht).")
    ] = None,
    questions: Annotated[
        bool,
        typer.Option("--questions", help="Verfehlte dev-Fragen mit Gold und Treffern auch ausgeben."),
    ] = False,
    list_test_misses: Annotated[
        bool,
        typer.Option(
            "--list-test-misses",
            help="Auch verfehlte test-Fragen aufführen (nur für die Schlussprüfung, nicht zum Abstimmen).",
        ),
    ] = False,
    retrieval_only: Annotated[
        bool, typer.Option("--retrieval-only", help="Nur die Suche messen, ohne Assistent (schnell).")
    ] = False,
    embedder: Annotated[
        EmbedderMode, typer.Option("--embedder", help="Embedder der frischen Indizes.")
    ] = EmbedderMode.HASHING,
    as_json: Annotated[bool, typer.Option("--json", help="Den Bericht auf stdout ausgeben.")] = False,
) -> None:
    """Frische Indizes bauen, Fragen stellen, mit LangChain vergleichen; Exit 1 bei verfehltem Schwellwert."""
    from evals.report_console import RETRIEVAL_ONLY, print_misses, print_quality
    from evals.report_html import render_html
    from evals.report_text import SECTIONS
    from evals.run_quality import question_sets
    from evals.run_quality import run as run_sets
    from evals.thresholds import check, load_thresholds, thresholds_json

    if not corpus.is_dir():
        console.print(f"[red]Korpus nicht gefunden: {corpus}[/red]")
        raise typer.Exit(EXIT_USAGE)
    try:
        limits = load_thresholds(thresholds) if thresholds.exists() else {}
    except ValueError as exc:
        console.print(f"[red]{thresholds}: {exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    if not limits:
        console.print(f"[yellow]Keine Schwellwerte in {thresholds}; es wird nur gemessen.[/yellow]")
    if list_test_misses:
        console.print(
            "[yellow]Verfehlte test-Fragen werden aufgeführt: nur für die Schlussprüfung, "
            "nicht zum Abstimmen.[/yellow]"
        )
    started = time.perf_counter()
    report = run_sets(
        question_sets(corpus, knowledge),
        embedder=embedder,
        answers=not retrieval_only,
        list_test_misses=list_test_misses,
        progress=lambda message: console.print(f"[dim]{message}[/dim]"),
    )
    # The LLM grounding check on labelled statements (no index, no model): a section of its own.
    from evals.grounding_eval import evaluate_grounding

    report["grounding"] = evaluate_grounding(
        corpus, progress=lambda message: console.print(f"[dim]{message}[/dim]")
    )
    if retrieval_only:
        for section in SECTIONS:
            report[section] = {"skipped": RETRIEVAL_ONLY}
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["thresholds"] = thresholds_json(limits)
    report["failures"] = check(report, limits)
    # The speed tables of `python -m evals bench` travel along, so both reports hold the same content.
    bench_report, bench_png = _bench_report(report_path.parent), report_path.parent / "latency_vs_size.png"
    if bench_report is not None:
        report["bench"] = bench_report
    _write(report_path, report)
    html_path = html_path or report_path.with_suffix(".html")
    html_path.write_text(
        render_html(report, bench_report, bench_png.read_bytes() if bench_png.exists() else None),
        encoding="utf-8",
    )
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        print_quality(out, report, limits)
        if questions:
            print_misses(out, report)
        out.print(f"Bericht: {report_path}, {html_path} ({report['seconds']} s)")
    for failure in report["failures"]:
        console.print(f"[red]Schwellwert verfehlt:[/red] {failure}")
    raise typer.Exit(EXIT_BELOW_THRESHOLD if report["failures"] else 0)


@app.command()
def cv(
    corpus: CorpusOption = PROJECT.parent / "shared" / "corpus",
    knowledge: Annotated[Path, typer.Option("--knowledge", help="Die Standard-Wissensbasis.")] = PROJECT
    / "knowledge"
    / "documents",
    folds: Annotated[int, typer.Option("--folds", min=2, help="Anzahl der Falten über dev.")] = 5,
    grid: Annotated[
        str,
        typer.Option(
            "--grid",
            help="Raster: passages (Fundstellen), absaetze (Absätze) oder fusion (Suche: RRF-Konstanten).",
        ),
    ] = "passages",
    indexes: Annotated[
        Path | None, typer.Option("--indexes", help="Vorhandene Indizes (DIR/corpus, DIR/knowledge) nutzen.")
    ] = None,
) -> None:
    """Kreuzvalidierung über dev: Enthaltungsmodell und Fundstellen-Auswahl, auf zurückgehaltenen Falten
    gewählt und gemessen (test wird nicht gelesen)."""
    import tempfile

    from evals.cv import default_indexes, run_cv

    if grid not in {"passages", "absaetze", "fusion"}:
        console.print(f"[red]--grid erwartet passages, absaetze oder fusion, nicht {grid!r}[/red]")
        raise typer.Exit(EXIT_USAGE)
    with tempfile.TemporaryDirectory(prefix="jha-cv-") as tmp:
        corpus_index, knowledge_index = default_indexes(indexes or Path(tmp), corpus, knowledge)
        if grid == "fusion":
            from evals.cv_ranking import run_fusion_cv
            from evals.gold import Question, load_questions

            def dev(name: str) -> list[Question]:
                return [q for q in load_questions(name) if q.split == "dev" and q.gold]

            console.print("[dim]Suche: RRF-Raster auf dev[/dim]")
            report = run_fusion_cv(
                [
                    (corpus_index, dev("corpus_questions.jsonl")),
                    (knowledge_index, dev("knowledge_questions.jsonl")),
                ],
                folds,
            )
        else:
            report = run_cv(
                corpus_index,
                knowledge_index,
                folds,
                grid,
                lambda message: console.print(f"[dim]{message}[/dim]"),
            )
        corpus_index.close()
        knowledge_index.close()
    out.print_json(json.dumps(report, ensure_ascii=False))


@app.command()
def bench(  # noqa: PLR0917 - typer maps every option to a parameter
    corpus: CorpusOption = PROJECT.parent / "shared" / "corpus",
    report_path: Annotated[
        Path, typer.Option("--report", help="JSON-Bericht; das Diagramm daneben.")
    ] = REPORT_DIR / "bench.json",
    quick: Annotated[
        bool, typer.Option("--quick", help="Kleiner Lauf: 1k und 3k Abschnitte, 8 Nutzer, 10 s, 1 Ingest.")
    ] = False,
    duration: Annotated[
        float | None, typer.Option("--duration", min=1, help="Sekunden unter Last (Standard 60, --quick 10).")
    ] = None,
    users: Annotated[
        int | None, typer.Option("--users", min=1, help="Gleichzeitige Nutzer (Standard 32, --quick 8).")
    ] = None,
    sizes: Annotated[
        str | None,
        typer.Option("--sizes", help="Indexgrößen in Abschnitten, kommagetrennt (1000,10000,100000)."),
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Die zwischengespeicherten großen Indizes neu bauen.")
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", help="Zwischenspeicher der großen Indizes ($TMPDIR/jha-bench-cache)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Den Bericht auf stdout ausgeben.")] = False,
) -> None:
    """Ingest-Durchsatz, Suchlatenz bei 1k/10k/100k Abschnitten gegen LangChain-BM25 und Chroma,
    Antwortlatenz, Server unter Last, Speicher; Exit 1 bei Fehlern oder verlorenen Protokollzeilen."""
    from dataclasses import replace

    from evals.bench import BenchOptions
    from evals.bench import run as run_bench
    from evals.bench_plot import plot_latency
    from evals.bench_tables import print_bench

    if not corpus.is_dir():
        console.print(f"[red]Korpus nicht gefunden: {corpus}[/red]")
        raise typer.Exit(EXIT_USAGE)
    options = BenchOptions.quick() if quick else BenchOptions()
    if sizes:
        try:
            parsed = tuple(int(part) for part in sizes.split(",") if part.strip())
        except ValueError:
            parsed = ()
        if not parsed or min(parsed) < 1:
            console.print(f"[red]--sizes erwartet positive ganze Zahlen, nicht {sizes!r}[/red]")
            raise typer.Exit(EXIT_USAGE)
        options = options.with_sizes(parsed)
    options = replace(
        options,
        duration=duration if duration is not None else options.duration,
        users=users if users is not None else options.users,
        rebuild=rebuild,
        cache_root=cache_dir or options.cache_root,
    )
    report = run_bench(corpus, options, progress=lambda message: console.print(f"[dim]{message}[/dim]"))
    plot = plot_latency(
        report["search"],
        report_path.parent / "latency_vs_size.png",
        title=(
            f"Suchlatenz über Indexgröße ({report['machine']['cpu_count']} Kerne, k=10, "
            f"{report['queries']} Anfragen)"
        ),
        targets=report["targets"],
    )
    report["plot"] = str(plot)
    _write(report_path, report)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        print_bench(out, report)
        out.print(f"Bericht: {report_path}, Diagramm: {plot} ({report['seconds']} s)")
    for failure in report["failed"]:
        console.print(f"[red]Nicht erfüllt:[/red] {failure}")
    raise typer.Exit(EXIT_BELOW_THRESHOLD if report["failed"] else 0)


def _bench_report(folder: Path) -> dict[str, Any] | None:
    """`bench.json` of `python -m evals bench`, if there is a readable one (it may be mid-write)."""
    path = folder / "bench.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    except (OSError, json.JSONDecodeError) as exc:
        console.print(f"[yellow]{path} nicht lesbar, Bericht ohne Geschwindigkeit: {exc}[/yellow]")
        return None
    return data if isinstance(data, dict) else None


def _write(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    app()
