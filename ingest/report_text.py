"""How `python -m ingest add` and `repair` print their reports for a person (scripts use `--json`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from ingest.report import Duplicate, Failure, Unchanged, Written

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ingest.report import FileEntry, IngestReport
    from knowledge.reconcile import RepairReport


def print_report(out: Console, report: IngestReport, dry_run: bool) -> None:
    table = Table(
        title="Ergebnis (Probelauf, nichts geschrieben)" if dry_run else "Ergebnis", show_lines=False
    )
    table.add_column("Status")
    table.add_column("Datei")
    table.add_column("Details")
    labels: list[tuple[str, str, Sequence[FileEntry | Failure]]] = [
        ("neu", "green", report.added),
        ("aktualisiert", "cyan", report.updated),
        ("unverändert", "dim", report.unchanged),
        ("Duplikat", "yellow", report.duplicates),
        ("fehlgeschlagen", "red", report.failed),
    ]
    for label, style, entries in labels:
        for entry in entries:
            table.add_row(f"[{style}]{label}[/{style}]", entry.path, _detail(entry))
    out.print(table)
    counts = ", ".join(f"{len(entries)} {label}" for label, _, entries in labels)
    out.print(f"Zusammenfassung: {counts}")


def _detail(entry: FileEntry | Failure) -> str:
    if isinstance(entry, Failure):
        return entry.error
    if isinstance(entry, Duplicate):
        return f"Duplikat von „{entry.duplicate_title}“ (bereits indexiert)"
    if isinstance(entry, Written):
        detail = f"{entry.id} · {entry.type.value} · {entry.chunks} Abschnitte"
        if entry.screened:
            detail += f" · {entry.screened} Absatz/Absätze mit Anweisungen an KI-Systeme nicht indexiert"
        return detail
    return entry.id if isinstance(entry, Unchanged) else ""


def print_repair(out: Console, report: RepairReport) -> None:
    would = "gefunden" if report.dry_run else "behoben"
    out.print(f"Vorher: {report.before.message()}")
    rows = [
        ("Einträge unterbrochener Schreibvorgänge", report.pending_writes),
        ("Verwaiste Vektoren (ohne Abschnitt im Katalog)", report.orphan_vectors),
        ("Fehlende Vektoren (neu einzubetten)", report.missing_vectors),
        ("Vektoren mit abweichenden Metadaten", report.stale_metadata),
    ]
    table = Table(title=f"Abgleich ({'Probelauf, nichts geändert' if report.dry_run else 'ausgeführt'})")
    table.add_column("Befund")
    table.add_column(would.capitalize(), justify="right")
    for label, count in rows:
        table.add_row(label, str(count))
    table.add_row("Lexikalischer Index neu aufzubauen", "ja" if report.lexical_rebuilt else "nein")
    if report.reindexed:
        table.add_row("Unterbrochener Neuaufbau (reindex)", "fortgesetzt" if not report.dry_run else "ja")
    out.print(table)
    out.print(f"Nachher: {report.after.message()}")
