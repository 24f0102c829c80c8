"""`python -m ingest sync DIR`: the command around `ingest.sync.FolderSync`, safe to run from a timer."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ingest.audit import SYNC
from ingest.cli import (
    EXIT_CONFIG,
    EXIT_FAILED_FILES,
    CollectionOption,
    JsonOption,
    _open_index,
    checked_collection,
    cli_audit,
    console,
    file_progress,
    out,
    print_json,
)
from ingest.report import Duplicate, Failure, FileEntry, Moved, Removed, Skipped, Written
from ingest.run_lock import AlreadyRunning, exclusive_run
from ingest.sync import FolderSync, SyncRefused, SyncReport, plan_sync
from knowledge.listing import indexed_documents
from knowledge.models import DocumentType
from knowledge.settings import make_settings

EXIT_USAGE = 2
# A run that found another one at work: nothing was done, the next timer run will do it.
EXIT_BUSY = 5


def sync(  # noqa: PLR0917 - typer maps every option to a parameter
    folder: Annotated[Path, typer.Argument(help="Verzeichnis, das der Index abbilden soll.")],
    doc_type: Annotated[
        DocumentType | None, typer.Option("--type", help="Dokumenttyp erzwingen statt erraten.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur anzeigen, was passieren würde.")] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Auch ein leeres Verzeichnis abbilden (entfernt alles).")
    ] = False,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Den Index an ein Verzeichnis angleichen: Neues und Geändertes einlesen, Verschwundenes entfernen.

    Unveränderte Dateien werden am Hash ihrer Bytes erkannt und nicht gelesen; eine verschobene oder
    umbenannte Datei behält ihr Dokument (nicht neu eingebettet). Exit-Codes wie `add`, dazu 5, wenn
    gerade ein anderer Abgleich läuft.
    """
    try:
        with exclusive_run(make_settings().index_dir / "sync.lock"):
            report = _run(
                folder,
                doc_type,
                dry_run=dry_run,
                allow_empty=allow_empty,
                as_json=as_json,
                collection=checked_collection(collection),
            )
    except AlreadyRunning as exc:
        console.print(f"[yellow]{exc}[/yellow]", soft_wrap=True)  # one line in a timer's log
        raise typer.Exit(EXIT_BUSY) from exc
    except SyncRefused as exc:
        console.print(f"[red]Fehler:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from exc
    if as_json:
        print_json(report.as_json())
    else:
        _print(report)
    raise typer.Exit(EXIT_FAILED_FILES if report.failed else 0)


def _run(
    folder: Path,
    doc_type: DocumentType | None,
    *,
    dry_run: bool,
    allow_empty: bool,
    as_json: bool,
    collection: str | None,
) -> SyncReport:
    started = time.perf_counter()
    settings = make_settings()
    # First from the catalog alone: a folder that did not change needs neither the embedder, nor the
    # vectors, nor the Prüfprotokoll (opening those took most of a run's time at 1,000 files).
    plan = plan_sync(folder, indexed_documents(settings), type_override=doc_type, allow_empty=allow_empty)
    if plan.idle and not (collection and plan.kept_outside(collection)):
        report = plan.report(dry_run=dry_run)
        report.seconds = time.perf_counter() - started
        return report
    from ingest.pipeline import IngestPipeline  # the parsers, chunker and index: only for changes

    index = _open_index()
    audit = None if dry_run else cli_audit(index)
    with file_progress("Gleiche ab", quiet=as_json) as progress:
        task = progress.add_task("", total=len(plan.to_ingest))
        # No sandbox passed: the pipeline starts its parse worker only when a file is to be read.
        report = FolderSync(IngestPipeline(index, audit=audit)).run(
            folder,
            type_override=doc_type,
            dry_run=dry_run,
            allow_empty=allow_empty,
            on_file=lambda f: progress.update(task, advance=1, description=f.source),
            collection=collection,
        )
    if audit and report.changes:
        audit.record(SYNC, report.folder, report.counts())
        audit.flush()
    drift = index.drift()
    if not drift.consistent:
        console.print(f"[yellow]{drift.message()}[/yellow]")
    report.seconds = time.perf_counter() - started
    return report


def _print(report: SyncReport) -> None:
    rows: list[tuple[str, str, Sequence[FileEntry | Removed | Failure]]] = [
        ("neu", "green", report.added),
        ("aktualisiert", "cyan", report.updated),
        ("verschoben", "cyan", report.moved),
        ("entfernt", "magenta", report.removed),
        ("Duplikat", "yellow", report.duplicates),
        ("übersprungen", "dim", report.skipped),
        ("fehlgeschlagen", "red", report.failed),
    ]
    if any(entries for _, _, entries in rows):
        table = Table(title="Änderungen (Probelauf, nichts geschrieben)" if report.dry_run else "Änderungen")
        for column in ("Status", "Datei", "Details"):
            table.add_column(column, overflow="fold")
        for label, style, entries in rows:
            for entry in entries:
                name = entry.path if isinstance(entry, Failure) else entry.source
                table.add_row(f"[{style}]{label}[/{style}]", name, _detail(entry))
        out.print(table)
    out.print(report.summary())


def _detail(entry: FileEntry | Removed | Failure) -> str:
    match entry:
        case Failure():
            return entry.error
        case Skipped():
            return entry.reason
        case Duplicate():
            return f"Duplikat von „{entry.duplicate_title}“ (bereits indexiert)"
        case Moved():
            return f"vorher {entry.from_source} (nicht neu eingebettet)"
        case Written():
            return f"{entry.id} · {entry.type.value} · {entry.chunks} Abschnitte"
        case Removed():
            return f"{entry.id} · {entry.title}"
    return ""


__all__ = ["EXIT_BUSY", "EXIT_CONFIG", "sync"]
