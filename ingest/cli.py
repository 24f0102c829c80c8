"""`python -m ingest`: add, update, list and remove documents of the knowledge base."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.audit import REINDEX, ChangeAudit, open_cli_audit
from ingest.laws.cli import laws_app
from ingest.report_text import print_repair, print_report
from ingest.sources import discover
from knowledge.collections import collection_name
from knowledge.models import DocumentType
from knowledge.reachable import DatabaseUnavailable
from knowledge.settings import make_settings

if TYPE_CHECKING:
    from knowledge.index import KnowledgeIndex

# The parsers, the chunker and the index (langchain, Chroma, numpy) are imported by the commands that
# use them: `python -m ingest sync` of an unchanged folder and `--help` need none of them.

app = typer.Typer(
    help="Wissensbasis pflegen: Dokumente hinzufügen, aktualisieren, entfernen.", no_args_is_help=True
)
models_app = typer.Typer(help="Sprachmodelle für Embeddings verwalten.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(laws_app, name="laws")
console = Console(stderr=True)
# Scripts read this output: a fixed width when it is not a terminal keeps tables readable in logs.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)

EXIT_FAILED_FILES = 1
EXIT_NOT_FOUND = 4
EXIT_CONFIG = 3

JsonOption = Annotated[bool, typer.Option("--json", help="Maschinenlesbare Ausgabe (JSON).")]
CollectionOption = Annotated[
    str | None,
    typer.Option("--collection", help="Sammlung (z. B. asd); ohne Angabe: neue Dokumente nach 'allgemein'."),
]


def checked_collection(value: str | None) -> str | None:
    """A valid collection name, or exit 2 with the German reason."""
    if value is None:
        return None
    try:
        return collection_name(value)
    except ValueError as exc:
        console.print(f"[red]Fehler:[/red] {exc}")
        raise typer.Exit(2) from exc


def print_json(data: object) -> None:
    """`--json` output as plain indented JSON: rich's `print_json` colours it token by token, which
    took 2 s of an unchanged `sync` of 300 files (and longer than the sync itself at 1,000)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _open_index(*, check_embedder: bool = True) -> KnowledgeIndex:
    # The CLI is an entry point: it takes the index from the composition root like every other one.
    from assistant.container import Container
    from knowledge.embedders import EmbedderUnavailable
    from knowledge.index import IndexEmbedderMismatch

    try:
        return Container(make_settings(), check_embedder=check_embedder).index
    except (IndexEmbedderMismatch, EmbedderUnavailable) as exc:
        console.print(f"[red]Fehler:[/red] {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc


def file_progress(label: str, *, quiet: bool) -> Progress:
    """The progress bar of a command that reads files (on a terminal, and not with --json)."""
    return Progress(
        TextColumn(f"[bold]{label}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )


def cli_audit(index: KnowledgeIndex) -> ChangeAudit:
    """The Prüfprotokoll, opened before anything changes: no change without its record."""
    try:
        return open_cli_audit(index)
    except DatabaseUnavailable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_CONFIG) from exc


@app.command()
def add(
    paths: Annotated[list[Path], typer.Argument(help="Dateien oder Verzeichnisse (rekursiv).")],
    doc_type: Annotated[
        DocumentType | None, typer.Option("--type", help="Dokumenttyp erzwingen statt erraten.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur anzeigen, was passieren würde.")] = False,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dokumente hinzufügen oder aktualisieren; unveränderte werden übersprungen."""
    from ingest.pipeline import IngestPipeline
    from ingest.sandbox import ParseSandbox

    collection = checked_collection(collection)
    sandbox = ParseSandbox()
    sandbox.start()  # the parse worker imports its parsers while the index opens
    index = _open_index()
    pipeline = IngestPipeline(index, sandbox, audit=None if dry_run else cli_audit(index))
    files = list(discover([p for p in paths if p.exists()]))
    with (
        sandbox,
        file_progress("Indexiere", quiet=as_json) as progress,
    ):
        task = progress.add_task("", total=len(files))
        report = pipeline.add(
            paths,
            type_override=doc_type,
            dry_run=dry_run,
            on_file=lambda f: progress.update(task, advance=1, description=f.source),
            collection=collection,
        )
    if as_json:
        print_json(report.as_json())
    else:
        print_report(out, report, dry_run)
    if not dry_run:
        index.catch_up()  # a writer: what a killed one left stale is brought up to date here
    drift = index.drift()
    if not drift.consistent:  # e.g. orphan vectors of runs killed before the write journal existed
        console.print(f"[yellow]{drift.message()}[/yellow]")
    raise typer.Exit(EXIT_FAILED_FILES if report.failed else 0)


@app.command()
def bootstrap(
    directory: Annotated[Path, typer.Argument(help="Standard-Wissensbasis.")] = Path("knowledge/documents"),
) -> None:
    """Die Standard-Wissensbasis indexieren, wenn der Index leer ist (für `make run`)."""
    from ingest.pipeline import IngestPipeline

    index = _open_index()
    if index.counts()["documents"] > 0:
        out.print(f"Index enthält bereits {index.counts()['documents']} Dokumente; nichts zu tun.")
        return
    if not directory.is_dir():
        console.print(f"[yellow]Verzeichnis {directory} fehlt; der Index bleibt leer.[/yellow]")
        return
    report = IngestPipeline(index, audit=cli_audit(index)).add([directory])
    out.print(
        f"Standard-Wissensbasis indexiert: {len(report.added)} Dokumente, "
        f"{sum(e.chunks for e in report.added)} Abschnitte aus {directory}."
    )
    for entry in report.failed:
        console.print(f"[red]Fehlgeschlagen:[/red] {entry.error}")
    raise typer.Exit(EXIT_FAILED_FILES if report.failed else 0)


@app.command("list")
def list_documents(
    collection: Annotated[
        str | None, typer.Option("--collection", help="Nur Dokumente dieser Sammlung.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Alle Dokumente mit Typ, Datum, Sammlung, Abschnitten und Versionsstand."""
    from knowledge.listing import document_rows

    wanted = checked_collection(collection)
    index = _open_index(check_embedder=False)
    rows = document_rows(index.restricted_to(None if wanted is None else frozenset({wanted})))
    if as_json:
        print_json({"documents": [row.as_json() for row in rows]})
        return
    table = Table(title=f"{len(rows)} Dokumente")
    for column in ("ID", "Typ", "Datum", "Sammlung", "Abschn.", "Version", "Titel"):
        table.add_column(column, overflow="fold")
    for row in rows:
        version = ""
        if row.superseded_by:
            version = f"[yellow]ersetzt durch {row.superseded_by}[/yellow]"
        elif row.supersedes:
            version = f"[green]aktuell, ersetzt {row.supersedes}[/green]"
        elif row.law:
            version = "aktuell"
        table.add_row(
            row.id,
            row.type.label,
            row.date.isoformat() if row.date else "–",
            row.collection,
            str(row.chunks),
            version,
            row.title + (f" ({row.pages_note})" if row.pages_note else ""),
        )
    out.print(table)


@app.command()
def show(document_id: Annotated[str, typer.Argument(help="Dokument-ID (siehe `list`).")]) -> None:
    """Metadaten und Abschnitte eines Dokuments."""
    index = _open_index(check_embedder=False)
    document = index.document(document_id) or index.document_by_source(document_id)
    if document is None:
        console.print(
            f"[red]Kein Dokument mit der ID {document_id!r}.[/red] `python -m ingest list` zeigt alle."
        )
        raise typer.Exit(EXIT_NOT_FOUND)
    out.print(f"[bold]{document.title}[/bold]")
    for label, value in (
        ("ID", document.id),
        ("Quelle", document.source),
        ("Typ", document.type.label),
        ("Sammlung", document.collection),
        ("Datum", document.date),
        ("Herausgeber", document.publisher),
        ("Region", document.region),
        ("Gesetz", document.law),
        ("Stand", document.version_state),
        ("Seiten", document.pages_note),
        ("Texterkennung auf Seite", ", ".join(str(n) for n in document.extra.get("ocr_pages", []))),
        ("Ersetzt durch", document.superseded_by),
        ("Inhalts-Hash", document.content_hash[:16]),
        ("Indexiert", document.ingested_at),
    ):
        if value:
            out.print(f"  {label}: {value}")
    chunks = index.chunks_of(document.id)
    out.print(f"  Abschnitte: {len(chunks)}")
    for chunk in chunks:
        absatz = f" Abs. {', '.join(chunk.absaetze)}" if chunk.absaetze else ""
        page = document.page_of(chunk)
        where = f"S. {page}  " if page else ""
        out.print(
            f"   {chunk.ordinal:>4}  {where}{chunk.section or '–'}{absatz}  ({len(chunk.text)} Zeichen)"
        )


@app.command()
def remove(target: Annotated[str, typer.Argument(help="Dokument-ID oder Pfad.")]) -> None:
    """Ein Dokument aus allen Indizes entfernen."""
    from ingest.pipeline import IngestPipeline

    index = _open_index()
    document = IngestPipeline(index, audit=cli_audit(index)).remove(target)
    if document is None:
        console.print(f"[red]Kein Dokument zu {target!r} gefunden.[/red] `python -m ingest list` zeigt alle.")
        raise typer.Exit(EXIT_NOT_FOUND)
    out.print(f"Entfernt: {document.id} ({document.title})")


@app.command()
def reindex() -> None:
    """Alle Abschnitte mit dem konfigurierten Embedder neu einbetten (z. B. nach Modellwechsel)."""
    index = _open_index(check_embedder=False)
    audit = cli_audit(index)
    total = index.counts()["chunks"]
    with Progress(
        TextColumn("[bold]Neuaufbau[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("", total=total)
        count = index.reindex(lambda done, _total: progress.update(task, completed=done))
    audit.record(REINDEX, None, f"{count} Abschnitte mit {index.embedder.id}")
    audit.flush()
    out.print(f"Neu eingebettet: {count} Abschnitte mit {index.embedder.id}.")


@app.command()
def stats(as_json: JsonOption = False) -> None:
    """Größe des Index, Embedder und Dokumente je Typ."""
    index = _open_index(check_embedder=False)
    numbers = index.stats()
    drift = index.drift()
    data = {
        "documents": numbers.documents,
        "chunks": numbers.chunks,
        "vectors": numbers.vector_count,
        "lexical_entries": numbers.lexical_count,
        "embedder": numbers.embedder,
        "index_version": numbers.index_version,
        "by_type": numbers.by_type,
        "drift": drift.as_json(),
    }
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if key != "drift":
            out.print(f"{key}: {value}")
    style = "green" if drift.consistent else "yellow"
    out.print(f"[{style}]{drift.message()}[/{style}]")


@app.command()
def repair(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur prüfen und berichten.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Katalog, Vektoren und lexikalischen Index abgleichen und Abweichungen beheben.

    Verwaiste Vektoren werden gelöscht, fehlende neu eingebettet, der lexikalische Index neu aufgebaut,
    wenn er abweicht. Exit-Code 1 bei --dry-run mit Abweichungen.
    """
    index = _open_index()
    with Progress(
        TextColumn("[bold]Bette fehlende Vektoren ein[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        disable=as_json or not console.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)
        report = index.repair(
            dry_run=dry_run, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    if as_json:
        print_json(report.as_json())
    else:
        print_repair(out, report)
    raise typer.Exit(EXIT_FAILED_FILES if dry_run and report.changes else 0)


@models_app.command("pull")
def models_pull(
    name: Annotated[str, typer.Argument(help="Modellname, z. B. intfloat/multilingual-e5-small")],
) -> None:
    """Ein sentence-transformers-Modell einmalig herunterladen (der einzige Befehl mit Modell-Download)."""
    from knowledge.embedders.sentence_transformer import pull_model

    settings = make_settings()
    destination = pull_model(name, settings.models_dir)
    out.print(f"Gespeichert unter {destination}. Setzen Sie JHA_EMBEDDING_MODEL={destination}")


# The sync command lives in its own module and uses the helpers above.
from ingest.sync_cli import sync  # noqa: E402

app.command()(sync)


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        app()
    except DatabaseUnavailable as exc:  # the catalog's PostgreSQL: one German line, not a traceback
        sys.stderr.write(f"{exc}\n")
        sys.exit(EXIT_CONFIG)
