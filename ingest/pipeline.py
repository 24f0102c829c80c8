"""The ingest pipeline: files in, whole documents into the knowledge index, a report out.

Files are parsed in the `ParseSandbox` (a worker process under time and memory limits); this process
only checks for duplicates, embeds and writes. A file that fails, fails alone: the others in the run
are ingested, and the index keeps what it held for the failed one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.fingerprint import similarity
from ingest.limits import IngestLimits, LoadError, file_message
from ingest.parse import AttachmentResult, ParsedFile, ParseRequest
from ingest.report import Duplicate, Failure, FileEntry, IngestReport, Unchanged, Written
from ingest.sandbox import ParseOutcome, ParseSandbox
from ingest.sources import FILE_HASH, Progress, SourceFile, discover, file_sha256
from knowledge.checkpoints import checkpoint
from knowledge.collections import DEFAULT_COLLECTION
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType

if TYPE_CHECKING:
    from ingest.audit import ChangeAudit

log = logging.getLogger(__name__)

# Two files whose word 5-gram shingles overlap this much are the same text in another format.
DUPLICATE_SIMILARITY = 0.9


def document_id(source: str) -> str:
    """A readable, stable id: the source as a slug, shortened with a hash when long."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
    if len(slug) > 72:
        slug = f"{slug[:60]}-{hashlib.sha1(source.encode()).hexdigest()[:10]}"
    return slug or hashlib.sha1(source.encode()).hexdigest()[:12]


class IngestPipeline:
    """>>> IngestPipeline(index).add([Path("../shared/corpus/press")]).as_json()["added"]  # doctest: +SKIP

    Without a `sandbox` each `add()` starts its own parse worker and stops it at the end; callers that
    ingest often (the web server) may pass one to reuse it. With an `audit`, every document written or
    removed is recorded in the Prüfprotokoll right after the index commit (the CLI passes one; the web
    routes write their own records).
    """

    def __init__(
        self, index: KnowledgeIndex, sandbox: ParseSandbox | None = None, audit: ChangeAudit | None = None
    ) -> None:
        self.index = index
        self.limits = IngestLimits.from_settings(index.settings)
        self._sandbox = sandbox
        self.audit = audit

    def add(
        self,
        paths: list[Path],
        *,
        type_override: DocumentType | None = None,
        dry_run: bool = False,
        on_file: Progress | None = None,
        loader: str | None = None,
        source_from: Callable[[ParsedFile], str] | None = None,
        collection: str | None = None,
    ) -> IngestReport:
        """`loader` names a loader to use instead of the one for the suffix; `source_from` names each
        document after it was read (a law import: by law and Stand, not by the zip's file name).
        `collection`: where the documents go (also unchanged ones); None: new ones to `allgemein`,
        known ones stay where they are."""
        report = IngestReport()
        missing = [p for p in paths if not p.exists()]
        for path in missing:
            report.failed.append(
                Failure(path=str(path), error=file_message(str(path), "Pfad nicht gefunden"))
            )
        files = list(discover([p for p in paths if p.exists()]))
        return self.add_files(
            files,
            type_override=type_override,
            dry_run=dry_run,
            on_file=on_file,
            report=report,
            loader=loader,
            source_from=source_from,
            collection=collection,
        )

    def add_files(
        self,
        files: list[SourceFile],
        *,
        type_override: DocumentType | None = None,
        dry_run: bool = False,
        on_file: Progress | None = None,
        report: IngestReport | None = None,
        loader: str | None = None,
        source_from: Callable[[ParsedFile], str] | None = None,
        collection: str | None = None,
    ) -> IngestReport:
        """Ingest files already named in the index's terms (`discover`), e.g. the changed ones of a sync."""
        report = IngestReport() if report is None else report
        run = _Run(report, type_override, dry_run, self.index.fingerprints(), loader, source_from, collection)
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
            if self.audit:
                self.audit.flush()  # what was committed is recorded, also when the run broke off
        if run.recollect and collection and not dry_run:
            self.index.set_collection(run.recollect, collection)  # unchanged files, another collection
        if report.changed and not dry_run:
            checkpoint(self.index.settings, "before_lexical")
            self.index.rebuild_lexical()
        return report

    def _request(self, source_file: SourceFile, run: _Run) -> ParseRequest:
        # The bytes' hash is taken before the worker reads the file: if the file changes in between,
        # the recorded hash is the older one, and the next `sync` reads the file again.
        with contextlib.suppress(OSError):  # the worker reports why the file cannot be read
            run.file_hashes[source_file.source] = file_sha256(source_file.path)
        existing = self.index.document_by_source(source_file.source)
        return ParseRequest(
            path=str(source_file.path),
            source=source_file.source,
            type_override=run.type_override.value if run.type_override else None,
            known_hash=existing.content_hash if existing else None,
            known_type=existing.type.value if existing else None,
            limits=self.limits,
            loader=run.loader,
        )

    def _add_one(self, source_file: SourceFile, outcome: ParseOutcome | LoadError, run: _Run) -> None:
        """Record the file's outcome; one bad file must not stop the others, so nothing is raised."""
        try:
            if isinstance(outcome, LoadError):
                raise outcome
            if run.source_from:
                source_file = SourceFile(source_file.path, run.source_from(outcome.parsed))
            self._write(source_file, outcome.parsed, run)
            for attachment in outcome.parsed.attachments:
                self._write_attachment(source_file, attachment, run)
        except LoadError as exc:
            run.report.failed.append(_failure(source_file, exc.reason, exc.limit))
        except Exception:  # the reason is logged with its traceback
            log.exception("Unerwarteter Fehler bei %s", source_file.path)
            reason = "Unerwarteter Fehler beim Indexieren (Programmfehler); Details im Protokoll"
            run.report.failed.append(_failure(source_file, reason, None))

    def _write_attachment(self, mail: SourceFile, attachment: AttachmentResult, run: _Run) -> None:
        """An e-mail's attachment is a document of its own; when it fails, the mail is still indexed."""
        part = SourceFile(mail.path, attachment.source)
        name = f"{mail.path.name} › {attachment.name}"
        try:
            if attachment.error:
                raise attachment.error
            assert attachment.parsed is not None
            self._write(part, attachment.parsed, run, attachment_of=mail.source)
        except LoadError as exc:
            run.report.failed.append(
                Failure(path=str(part.path), error=file_message(name, exc.reason), limit=exc.limit)
            )

    def _write(
        self, source_file: SourceFile, parsed: ParsedFile, run: _Run, attachment_of: str | None = None
    ) -> None:
        # The file's fields, shared by whichever entry it becomes.
        named = FileEntry(
            path=str(source_file.path), source=source_file.source, attachment_of=attachment_of
        ).model_dump()
        existing = self.index.document_by_source(source_file.source)
        if existing and (parsed.unchanged or _same_content(existing, parsed)):
            run.report.unchanged.append(Unchanged(**named, id=existing.id))
            if run.collection and existing.collection != run.collection:
                run.recollect.append(existing.id)
            return
        if existing is None:
            original = self._duplicate_of(parsed, run)
            if original:
                run.report.duplicates.append(
                    Duplicate(**named, duplicate_of=original[0], duplicate_title=original[1])
                )
                return
        if not parsed.drafts:
            raise LoadError(
                "Keine indexierbaren Inhalte gefunden (nur Überschriften oder aufgehobene Paragrafen)"
            )
        doc_id = existing.id if existing else self._free_id(source_file.source)
        collection = run.collection or (existing.collection if existing else DEFAULT_COLLECTION)
        document, chunks = _document(
            doc_id, source_file.source, parsed, run.file_hashes.get(source_file.source), attachment_of
        )
        document = replace(document, collection=collection)
        # `screened`: the maintainer sees that, and how much, was left out
        result = Written(
            **named,
            id=doc_id,
            title=document.title,
            type=document.type,
            chunks=len(chunks),
            collection=collection,
            screened=parsed.screened,
        )
        (run.report.updated if existing else run.report.added).append(result)
        run.fingerprints[doc_id] = parsed.fingerprint
        run.titles[doc_id] = document.title
        if run.dry_run:
            return
        self.index.put(document, parsed.text, chunks, parsed.fingerprint, rebuild_lexical=False)
        checkpoint(self.index.settings, "document_done")
        if self.audit:
            self.audit.document_written(result, updated=existing is not None)

    def _free_id(self, source: str) -> str:
        """The id for a new document; a moved document keeps its old id, so the slug may be taken."""
        doc_id = document_id(source)
        holder = self.index.document(doc_id)
        if holder is not None and holder.source != source:
            doc_id = f"{doc_id}-{hashlib.sha1(source.encode()).hexdigest()[:8]}"
        return doc_id

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
        removed = [document]
        # An e-mail's attachments were indexed as documents of their own; they go with it.
        for attachment in index.documents():
            if attachment.extra.get("attachment_of") == document.source:
                self.index.remove(attachment.id)
                removed.append(attachment)
        if self.audit:
            for gone in removed:
                self.audit.document_removed(gone)
            self.audit.flush()
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
    loader: str | None = None
    source_from: Callable[[ParsedFile], str] | None = None
    collection: str | None = None
    recollect: list[str] = field(default_factory=list)  # unchanged documents to move to `collection`
    titles: dict[str, str] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)  # source -> SHA-256 of the file's bytes


def _failure(source_file: SourceFile, reason: str, limit: str | None) -> Failure:
    return Failure(path=str(source_file.path), error=file_message(source_file.path.name, reason), limit=limit)


def _same_content(existing: Document, parsed: ParsedFile) -> bool:
    """An attachment comes without a known hash (its mail changed, or was read again): compare here."""
    return existing.content_hash == parsed.digest and existing.type is parsed.meta.type


def _document(
    doc_id: str, source: str, parsed: ParsedFile, file_hash: str | None, attachment_of: str | None = None
) -> tuple[Document, list[Chunk]]:
    meta = parsed.meta
    extra: dict[str, Any] = {**parsed.extra, "screened_paragraphs": parsed.screened}
    if file_hash:
        extra[FILE_HASH] = file_hash  # lets `sync` skip an unchanged file without reading it
    if attachment_of:
        extra["attachment_of"] = attachment_of  # removing or syncing the mail concerns this one too
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
        extra=extra,
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
