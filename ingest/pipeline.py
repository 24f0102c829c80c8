"""The ingest pipeline: files in, whole documents into the knowledge index, a report out.

Files are parsed in the `ParseSandbox` (a worker process under time and memory limits); this process
only checks for duplicates, embeds and writes. A file that fails, fails alone: the others in the run
are ingested, and the index keeps what it held for the failed one.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.fingerprint import similarity
from ingest.limits import IngestLimits, LoadError, file_message
from ingest.parse import ParsedFile, ParseRequest
from ingest.sandbox import ParseOutcome, ParseSandbox
from knowledge.checkpoints import checkpoint
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType

log = logging.getLogger(__name__)

# Two files whose word 5-gram shingles overlap this much are the same text in another format.
DUPLICATE_SIMILARITY = 0.9
_IGNORED_NAMES = {"readme.md", "license.md", "sha256sums"}


@dataclass
class IngestReport:
    added: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "failed": self.failed,
        }

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source: str  # how the document is named in the index: below the directory given, or as given


def discover(paths: list[Path]) -> Iterator[SourceFile]:
    """Walk the given files and directories; hidden files and project paperwork are skipped."""
    for given in paths:
        if given.is_dir():
            for path in sorted(p for p in given.rglob("*") if p.is_file()):
                relative = path.relative_to(given)
                if (
                    any(part.startswith(".") for part in relative.parts)
                    or path.name.lower() in _IGNORED_NAMES
                ):
                    continue
                yield SourceFile(path, (Path(given.resolve().name) / relative).as_posix())
        else:
            yield SourceFile(given, given.as_posix().removeprefix("./"))


def document_id(source: str) -> str:
    """A readable, stable id: the source as a slug, shortened with a hash when long."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
    if len(slug) > 72:
        slug = f"{slug[:60]}-{hashlib.sha1(source.encode()).hexdigest()[:10]}"
    return slug or hashlib.sha1(source.encode()).hexdigest()[:12]


Progress = Callable[[SourceFile], None]


class IngestPipeline:
    """>>> IngestPipeline(index).add([Path("../shared/corpus/press")]).as_json()["added"]  # doctest: +SKIP

    Without a `sandbox` each `add()` starts its own parse worker and stops it at the end; callers that
    ingest often (the web server) may pass one to reuse it.
    """

    def __init__(self, index: KnowledgeIndex, sandbox: ParseSandbox | None = None) -> None:
        self.index = index
        self.limits = IngestLimits.from_settings(index.settings)
        self._sandbox = sandbox

    def add(
        self,
        paths: list[Path],
        *,
        type_override: DocumentType | None = None,
        dry_run: bool = False,
        on_file: Progress | None = None,
    ) -> IngestReport:
        report = IngestReport()
        missing = [p for p in paths if not p.exists()]
        for path in missing:
            report.failed.append({"path": str(path), "error": file_message(str(path), "Pfad nicht gefunden")})
        run = _Run(report, type_override, dry_run, self.index.fingerprints())
        files = list(discover([p for p in paths if p.exists()]))
        sandbox = self._sandbox or ParseSandbox()
        try:
            requests = [self._request(files[0], run)] if files else []
            if requests:
                sandbox.submit(requests[0])
            for position, source_file in enumerate(files):
                outcome = sandbox.receive(requests[position])
                # The worker parses the next file while this process embeds and writes this one.
                if position + 1 < len(files):
                    requests.append(self._request(files[position + 1], run))
                    sandbox.submit(requests[-1])
                self._add_one(source_file, outcome, run)
                if on_file:
                    on_file(source_file)
        finally:
            if self._sandbox is None:
                sandbox.close()
        if report.changed and not dry_run:
            checkpoint(self.index.settings, "before_lexical")
            self.index.rebuild_lexical()
        return report

    def _request(self, source_file: SourceFile, run: _Run) -> ParseRequest:
        existing = self.index.document_by_source(source_file.source)
        return ParseRequest(
            path=str(source_file.path),
            source=source_file.source,
            type_override=run.type_override.value if run.type_override else None,
            known_hash=existing.content_hash if existing else None,
            known_type=existing.type.value if existing else None,
            limits=self.limits,
        )

    def _add_one(self, source_file: SourceFile, outcome: ParseOutcome | LoadError, run: _Run) -> None:
        """Record the file's outcome; one bad file must not stop the others, so nothing is raised."""
        try:
            if isinstance(outcome, LoadError):
                raise outcome
            self._write(source_file, outcome.parsed, run)
        except LoadError as exc:
            run.report.failed.append(_failure(source_file, exc.reason, exc.limit))
        except Exception as exc:  # the reason is logged with its traceback
            log.exception("Unerwarteter Fehler bei %s", source_file.path)
            reason = f"Unerwarteter Fehler ({type(exc).__name__}); Details im Protokoll"
            run.report.failed.append(_failure(source_file, reason, None))

    def _write(self, source_file: SourceFile, parsed: ParsedFile, run: _Run) -> None:
        entry: dict[str, Any] = {"path": str(source_file.path), "source": source_file.source}
        existing = self.index.document_by_source(source_file.source)
        if existing and parsed.unchanged:
            run.report.unchanged.append({**entry, "id": existing.id})
            return
        if existing is None:
            original = self._duplicate_of(parsed, run)
            if original:
                run.report.duplicates.append(
                    {**entry, "duplicate_of": original[0], "duplicate_title": original[1]}
                )
                return
        if not parsed.drafts:
            raise LoadError(
                "Keine indexierbaren Inhalte gefunden (nur Überschriften oder aufgehobene Paragrafen)"
            )
        doc_id = existing.id if existing else document_id(source_file.source)
        document, chunks = _document(doc_id, source_file.source, parsed)
        result = {
            **entry,
            "id": doc_id,
            "title": document.title,
            "type": document.type.value,
            "chunks": len(chunks),
        }
        if parsed.screened:
            result["screened"] = parsed.screened  # the maintainer sees that, and how much, was left out
        (run.report.updated if existing else run.report.added).append(result)
        run.fingerprints[doc_id] = parsed.fingerprint
        run.titles[doc_id] = document.title
        if run.dry_run:
            return
        self.index.put(document, parsed.text, chunks, parsed.fingerprint, rebuild_lexical=False)
        checkpoint(self.index.settings, "document_done")

    def _duplicate_of(self, parsed: ParsedFile, run: _Run) -> tuple[str, str] | None:
        """(id, title) of a document with the same text, or one whose shingles overlap this much."""
        index = self.index
        same = index.document_by_content_hash(parsed.digest)
        if same:
            return same.id, same.title
        law = parsed.meta.law
        versions = {d.id for d in index.versions_of(law)} if law else set()
        for other_id, other in run.fingerprints.items():
            # Another version of the same law shares most of its text but is no duplicate.
            if other_id not in versions and similarity(parsed.fingerprint, other) >= DUPLICATE_SIMILARITY:
                known = index.document(other_id)
                return other_id, known.title if known else run.titles.get(other_id, other_id)
        return None

    def remove(self, id_or_path: str) -> Document | None:
        """Remove a document given by id, by source, or by the path it was ingested from."""
        index = self.index
        document = index.document(id_or_path) or index.document_by_source(id_or_path)
        if document is None:
            path = Path(id_or_path)
            candidates = [path.as_posix(), (Path(path.resolve().parent.name) / path.name).as_posix()]
            matches = [
                d for d in index.documents() if d.source in candidates or path.as_posix().endswith(d.source)
            ]
            document = matches[0] if len(matches) == 1 else None
        if document is None:
            return None
        self.index.remove(document.id)
        return document


@dataclass
class _Run:
    """What one `add()` call carries from file to file."""

    report: IngestReport
    type_override: DocumentType | None
    dry_run: bool
    # Read once per run, then kept current as documents are added (also in a dry run, so two
    # copies in one batch are caught before either reaches the index).
    fingerprints: dict[str, bytes]
    titles: dict[str, str] = field(default_factory=dict)


def _failure(source_file: SourceFile, reason: str, limit: str | None) -> dict[str, Any]:
    failure: dict[str, Any] = {
        "path": str(source_file.path),
        "error": file_message(source_file.path.name, reason),
    }
    if limit:
        failure["limit"] = limit
    return failure


def _document(doc_id: str, source: str, parsed: ParsedFile) -> tuple[Document, list[Chunk]]:
    meta = parsed.meta
    document = Document(
        id=doc_id,
        source=source,
        title=meta.title,
        type=meta.type,
        content_hash=parsed.digest,
        date=meta.date,
        publisher=meta.publisher,
        region=meta.region,
        law=meta.law,
        version_state=meta.version_state,
        ingested_at=datetime.now(UTC).replace(microsecond=0),
        extra={**parsed.extra, "screened_paragraphs": parsed.screened},
    )
    chunks = [
        Chunk(
            id=f"{doc_id}:{parsed.digest[:10]}:{n}",
            document_id=doc_id,
            ordinal=n,
            text=draft.text,
            section=draft.section,
            paragraph=draft.paragraph,
            absaetze=draft.absaetze,
            chapter=draft.chapter,
        )
        for n, draft in enumerate(parsed.drafts)
    ]
    return document, chunks
