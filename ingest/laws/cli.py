"""`python -m ingest laws import FILE_OR_URL…`: official law texts from gesetze-im-internet.de."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from ingest.limits import LoadError, file_message
from ingest.report import Failure, IngestReport
from ingest.report_text import print_report
from knowledge.models import DocumentType

if TYPE_CHECKING:
    from ingest.parse import ParsedFile
    from knowledge.index import KnowledgeIndex

laws_app = typer.Typer(help="Gesetze aus gesetze-im-internet.de (XML) einlesen.", no_args_is_help=True)


def law_source(parsed: ParsedFile) -> str:
    """One document per law and Stand: a newer Stand is a new version that supersedes the older one,
    the same Stand imported again is unchanged."""
    meta = parsed.meta
    law = (meta.law or meta.title).replace(" ", "_")
    stand = meta.version_state.isoformat() if meta.version_state else "ohne-stand"
    return f"gesetze-im-internet/{law}/{stand}"


@laws_app.command("import")
def import_laws(
    sources: Annotated[list[str], typer.Argument(help="xml.zip-Dateien (oder URLs, wenn erlaubt).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur anzeigen, was passieren würde.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Maschinenlesbare Ausgabe (JSON).")] = False,
) -> None:
    """Gesetze im XML-Format (xml.zip je Gesetz) einlesen; eine neuere Fassung ersetzt die ältere."""
    from ingest.cli import EXIT_FAILED_FILES, _open_index, cli_audit, out, print_json  # registers this
    from ingest.laws.download import download, is_url
    from ingest.pipeline import IngestPipeline

    index = _open_index()
    report = IngestReport()
    with tempfile.TemporaryDirectory(prefix="jha-gesetze-") as folder:
        paths: list[Path] = []
        for source in sources:
            if not is_url(source):
                paths.append(Path(source))
                continue
            try:
                paths.append(download(source, Path(folder), index.settings))
            except LoadError as exc:
                report.failed.append(Failure(path=source, error=file_message(source, exc.reason)))
        if paths:
            imported = IngestPipeline(index, audit=None if dry_run else cli_audit(index)).add(
                paths,
                type_override=DocumentType.LAW,
                dry_run=dry_run,
                loader="gii",
                source_from=law_source,
            )
            report.extend(imported)
    if as_json:
        print_json(report.as_json())
    else:
        print_report(out, report, dry_run)
        _print_versions(out, index, report)
    raise typer.Exit(EXIT_FAILED_FILES if report.failed else 0)


def _print_versions(out: Console, index: KnowledgeIndex, report: IngestReport) -> None:
    for entry in report.added:
        document = index.document(entry.id)
        if document and document.law:
            older = [d for d in index.versions_of(document.law) if d.superseded_by == document.id]
            for version in older:
                out.print(
                    f"  {document.law}: ersetzt die Fassung {version.id} ({version.version_state or '–'})"
                )
