"""The ingest pipeline: files in, whole documents into the knowledge index, a report out."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.chunking import chunk_document
from ingest.fingerprint import content_hash, minhash, similarity
from ingest.loaders import LoadError, load_file
from ingest.metadata import extract_metadata
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType
from knowledge.text.injection import screen_paragraphs

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
    """>>> IngestPipeline(index).add([Path("../shared/corpus/press")]).as_json()["added"]  # doctest: +SKIP"""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index

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
            report.failed.append({"path": str(path), "error": "Pfad nicht gefunden"})
        # Read once per run, then kept current as documents are added (also in a dry run, so two
        # copies in one batch are caught before either reaches the index).
        fingerprints = dict(self.index.catalog.fingerprints())
        for source_file in discover([p for p in paths if p.exists()]):
            try:
                self._add_one(source_file, type_override, dry_run, report, fingerprints)
            except LoadError as exc:
                report.failed.append({"path": str(source_file.path), "error": str(exc)})
            except Exception as exc:  # one bad file must not stop the others; the reason is reported
                log.exception("Unerwarteter Fehler bei %s", source_file.path)
                report.failed.append({"path": str(source_file.path), "error": f"{type(exc).__name__}: {exc}"})
            if on_file:
                on_file(source_file)
        if report.changed and not dry_run:
            self.index.rebuild_lexical()
        return report

    def _add_one(
        self,
        source_file: SourceFile,
        type_override: DocumentType | None,
        dry_run: bool,
        report: IngestReport,
        fingerprints: dict[str, bytes],
    ) -> None:
        loaded = load_file(source_file.path)
        meta = extract_metadata(
            source_file.source,
            loaded.text,
            loaded.front_matter,
            html_title=loaded.html_title,
            type_override=type_override,
        )
        digest = content_hash(loaded.text)
        entry: dict[str, Any] = {"path": str(source_file.path), "source": source_file.source}
        existing = self.index.catalog.find_by_source(source_file.source)
        if existing and existing.content_hash == digest and existing.type is meta.type:
            report.unchanged.append({**entry, "id": existing.id})
            return
        fingerprint = minhash(loaded.text)
        if existing is None:
            original = self._duplicate_of(digest, fingerprint, meta.law, fingerprints)
            if original:
                report.duplicates.append({**entry, "duplicate_of": original})
                return
        doc_id = existing.id if existing else document_id(source_file.source)
        # Documents are data: paragraphs that address an AI, and hidden HTML comments, are not indexed.
        text, screened = screen_paragraphs(loaded.text)
        drafts = chunk_document(text, meta.type, meta.title)
        if not drafts:
            raise LoadError(
                "Keine indexierbaren Inhalte gefunden (nur Überschriften oder aufgehobene Paragrafen)"
            )
        document = Document(
            id=doc_id,
            source=source_file.source,
            title=meta.title,
            type=meta.type,
            content_hash=digest,
            date=meta.date,
            publisher=meta.publisher,
            region=meta.region,
            law=meta.law,
            version_state=meta.version_state,
            ingested_at=datetime.now(UTC).replace(microsecond=0),
            extra={**_extra(loaded.front_matter, loaded.format), "screened_paragraphs": screened},
        )
        chunks = [
            Chunk(
                id=f"{doc_id}:{digest[:10]}:{n}",
                document_id=doc_id,
                ordinal=n,
                text=draft.text,
                section=draft.section,
                paragraph=draft.paragraph,
                absaetze=draft.absaetze,
                chapter=draft.chapter,
            )
            for n, draft in enumerate(drafts)
        ]
        result = {**entry, "id": doc_id, "title": meta.title, "type": meta.type.value, "chunks": len(chunks)}
        if screened:
            result["screened"] = screened  # the maintainer sees that, and how much, was left out
        (report.updated if existing else report.added).append(result)
        fingerprints[doc_id] = fingerprint
        if dry_run:
            return
        self.index.put(document, text, chunks, fingerprint, rebuild_lexical=False)

    def _duplicate_of(
        self, digest: str, fingerprint: bytes, law: str | None, fingerprints: dict[str, bytes]
    ) -> str | None:
        same = self.index.catalog.find_by_content_hash(digest)
        if same:
            return same.id
        versions = {d.id for d in self.index.catalog.versions_of(law)} if law else set()
        for other_id, other in fingerprints.items():
            # Another version of the same law shares most of its text but is no duplicate.
            if other_id not in versions and similarity(fingerprint, other) >= DUPLICATE_SIMILARITY:
                return other_id
        return None

    def remove(self, id_or_path: str) -> Document | None:
        """Remove a document given by id, by source, or by the path it was ingested from."""
        catalog = self.index.catalog
        document = catalog.get_document(id_or_path) or catalog.find_by_source(id_or_path)
        if document is None:
            path = Path(id_or_path)
            candidates = [path.as_posix(), (Path(path.resolve().parent.name) / path.name).as_posix()]
            matches = [
                d for d in catalog.documents() if d.source in candidates or path.as_posix().endswith(d.source)
            ]
            document = matches[0] if len(matches) == 1 else None
        if document is None:
            return None
        self.index.remove(document.id)
        return document


def _extra(front_matter: dict[str, Any], file_format: str) -> dict[str, Any]:
    keep = ("sources", "tags", "valid_from", "notice", "sample", "url", "quelle", "gueltig_ab")
    extra = {key: front_matter[key] for key in keep if key in front_matter}
    extra["format"] = file_format
    return extra
