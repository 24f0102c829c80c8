"""Folder sync: the index mirrors a folder (`python -m ingest sync DIR`).

The documents a folder owns are those whose source starts with the folder's name, exactly as
`ingest add DIR` names them. Each run compares the SHA-256 of every file's bytes with the hash recorded
when it was ingested, so an unchanged file is never read by a parser. Then, in this order:

1. a new file whose bytes equal those of a vanished one is that file moved or renamed: its document is
   re-pointed (same id, chunks and vectors; nothing re-embedded);
2. documents whose file vanished are removed from every index;
3. new and changed files go through the ingest pipeline (removing first means a file replaced by the
   same text in another format is ingested, not reported as a duplicate of the one just deleted).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.report import IngestReport, Moved, Removed, ReportEntry, Skipped, Unchanged, entries_json
from ingest.sources import FILE_HASH, Progress, SourceFile, discover, file_sha256
from knowledge.models import Document, DocumentType

if TYPE_CHECKING:
    from ingest.pipeline import IngestPipeline

# Files every office share holds that are not documents: listed as skipped, never as failures.
_SYSTEM_FILES = {"thumbs.db": "Vorschaubilder von Windows", "desktop.ini": "Ordnereinstellung von Windows"}
_NOT_DOCUMENTS = {".lnk": "Verknüpfung", ".tmp": "temporäre Datei", ".url": "Internet-Verknüpfung"}


class SyncRefused(RuntimeError):
    """The run would do harm (a missing or suddenly empty folder); nothing was changed."""


@dataclass
class SyncReport(IngestReport):
    folder: str = ""
    dry_run: bool = False
    moved: list[Moved] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files_read: int = 0  # handed to the parser; the others were settled by their hash alone
    seconds: float = 0.0

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated) + len(self.moved) + len(self.removed)

    def as_json(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "dry_run": self.dry_run,
            **super().as_json(),
            "moved": entries_json(self.moved),
            "removed": entries_json(self.removed),
            "skipped": entries_json(self.skipped),
            "files_read": self.files_read,
            "summary": self.summary(),
            "seconds": round(self.seconds, 3),
        }

    def counts(self) -> str:
        parts: list[tuple[Sequence[ReportEntry], str]] = [
            (self.added, "neu"),
            (self.updated, "aktualisiert"),
            (self.moved, "verschoben"),
            (self.removed, "entfernt"),
            (self.unchanged, "unverändert"),
            (self.duplicates, "Duplikate"),
            (self.skipped, "übersprungen"),
            (self.failed, "fehlgeschlagen"),
        ]
        return ", ".join(f"{len(entries)} {label}" for entries, label in parts)

    def summary(self) -> str:
        trial = " (Probelauf, nichts geändert)" if self.dry_run else ""
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        return f"Abgleich {self.folder}{trial}: {self.counts()} ({seconds} s)"


def skip_reason(path: Path) -> str | None:
    """Why a file in a synced folder is no document (None: it should be read)."""
    name = path.name.lower()
    if name.startswith("~$"):
        return "Sperrdatei von Microsoft Office (Dokument ist gerade geöffnet)"
    if name in _SYSTEM_FILES:
        return _SYSTEM_FILES[name]
    suffix = path.suffix.lower()
    if suffix in _NOT_DOCUMENTS:
        return _NOT_DOCUMENTS[suffix]
    if suffix not in SUPPORTED_SUFFIXES:
        return f"Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt"
    return None


@dataclass
class SyncPlan:
    """What a sync would do, found from the file hashes and the catalog alone (no parser, no vectors)."""

    folder: str
    unchanged: list[tuple[SourceFile, Document]] = field(default_factory=list)
    to_ingest: list[SourceFile] = field(default_factory=list)
    moves: list[tuple[Document, SourceFile, str]] = field(default_factory=list)  # doc, new file, its hash
    vanished: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # source -> file hash

    @property
    def idle(self) -> bool:
        """Nothing to read, move or remove: the index already mirrors the folder."""
        return not (self.to_ingest or self.moves or self.vanished)

    def kept_outside(self, collection: str) -> list[str]:
        """Ids of the unchanged and moved documents that are not in `collection` (`sync --collection`)."""
        kept = [d for _, d in self.unchanged] + [d for d, _, _ in self.moves]
        return [d.id for d in kept if d.collection != collection]

    def report(self, *, dry_run: bool) -> SyncReport:
        report = SyncReport(folder=self.folder, dry_run=dry_run, files_read=len(self.to_ingest))
        report.unchanged.extend(
            Unchanged(path=str(f.path), source=f.source, id=d.id) for f, d in self.unchanged
        )
        report.moved.extend(
            Moved(path=str(f.path), source=f.source, id=d.id, from_source=d.source, title=d.title)
            for d, f, _ in self.moves
        )
        report.removed.extend(Removed(id=d.id, source=d.source, title=d.title) for d in self.vanished)
        report.skipped.extend(self.skipped)
        return report


def plan_sync(
    folder: Path,
    documents: list[Document],
    *,
    type_override: DocumentType | None = None,
    allow_empty: bool = False,
) -> SyncPlan:
    """Compare the folder's files (by the SHA-256 of their bytes) with the indexed `documents`."""
    if not folder.is_dir():
        raise SyncRefused(f"Verzeichnis {folder} nicht gefunden; nichts geändert.")
    plan = SyncPlan(folder.resolve().name)
    owned = {d.source: d for d in documents if d.source.startswith(f"{plan.folder}/")}
    fresh: list[SourceFile] = []
    for source_file in discover([folder]):
        reason = skip_reason(source_file.path)
        if reason:
            plan.skipped.append(Skipped(path=str(source_file.path), source=source_file.source, reason=reason))
            continue
        try:
            digest = file_sha256(source_file.path)
        except OSError:
            plan.to_ingest.append(source_file)  # the pipeline reports why it cannot be read
            continue
        plan.hashes[source_file.source] = digest
        known = owned.get(source_file.source)
        if known is None:
            fresh.append(source_file)
        elif known.extra.get(FILE_HASH) == digest and type_override in (None, known.type):
            plan.unchanged.append((source_file, known))
        else:
            plan.to_ingest.append(source_file)
    present = set(plan.hashes) | {f.source for f in plan.to_ingest}
    vanished = {d.id: d for source, d in owned.items() if source not in present}
    if not present and vanished and not allow_empty:
        raise SyncRefused(
            f"Verzeichnis {folder} enthält keine Dokumente, der Index aber {len(vanished)} aus ihm. "
            "Ist die Freigabe eingehängt? Nichts geändert; zum Leeren: --allow-empty."
        )
    by_hash: dict[str, list[Document]] = {}
    for document in vanished.values():
        if document.extra.get(FILE_HASH) and type_override in (None, document.type):
            by_hash.setdefault(str(document.extra[FILE_HASH]), []).append(document)
    for source_file in fresh:
        digest = plan.hashes[source_file.source]
        if by_hash.get(digest):
            moved = by_hash[digest].pop()
            del vanished[moved.id]
            plan.moves.append((moved, source_file, digest))
        else:
            plan.to_ingest.append(source_file)
    plan.vanished = sorted(vanished.values(), key=lambda d: d.source)
    return plan


class FolderSync:
    """>>> FolderSync(IngestPipeline(index, audit=audit)).run(Path("/srv/wissen")).summary()  # doctest: +SKIP
    'Abgleich wissen: 2 neu, 0 aktualisiert, 1 verschoben, 1 entfernt, 996 unverändert, …'
    """

    def __init__(self, pipeline: IngestPipeline) -> None:
        self.pipeline = pipeline
        self.index = pipeline.index

    def run(
        self,
        folder: Path,
        *,
        type_override: DocumentType | None = None,
        dry_run: bool = False,
        allow_empty: bool = False,
        on_file: Progress | None = None,
        collection: str | None = None,
    ) -> SyncReport:
        """`collection`: every document of the folder goes (or stays) there; None: as `add` does."""
        started = time.perf_counter()
        plan = plan_sync(folder, self.index.documents(), type_override=type_override, allow_empty=allow_empty)
        report = plan.report(dry_run=dry_run)
        if not dry_run:
            self._apply_moves_and_removals(plan)
            if collection:
                self.index.set_collection(plan.kept_outside(collection), collection)
        self.pipeline.add_files(
            plan.to_ingest,
            type_override=type_override,
            dry_run=dry_run,
            on_file=on_file,
            report=report,
            collection=collection,
        )
        if not dry_run:
            self._record_file_hashes(report, plan)
            if self.index.lexical_is_stale():  # moves and removals; add_files rebuilt it after writing
                self.index.rebuild_lexical()
        report.seconds = time.perf_counter() - started
        return report

    def _apply_moves_and_removals(self, plan: SyncPlan) -> None:
        audit = self.pipeline.audit
        if plan.moves:
            moved = [_moved(d, f.source, h) for d, f, h in plan.moves]
            self.index.relocate(moved, rebuild_lexical=False)
            for document in moved:
                if audit:
                    audit.document_moved(document)
        for document in plan.vanished:
            self.index.remove(document.id, rebuild_lexical=False)
            if audit:
                audit.document_removed(document)

    def _record_file_hashes(self, report: SyncReport, plan: SyncPlan) -> None:
        """A file whose bytes changed but whose text did not (re-saved) keeps its document; its new
        hash is recorded so that the next run skips it without reading it again."""
        stale: list[Document] = []
        read = {f.source for f in plan.to_ingest}
        for entry in report.unchanged:
            if entry.source not in read:
                continue
            digest = plan.hashes.get(entry.source)
            document = self.index.document(entry.id)
            if digest and document is not None and document.extra.get(FILE_HASH) != digest:
                stale.append(replace(document, extra={**document.extra, FILE_HASH: digest}))
        self.index.relocate(stale, rebuild_lexical=False)


def _moved(document: Document, source: str, digest: str) -> Document:
    return replace(document, source=source, extra={**document.extra, FILE_HASH: digest})
