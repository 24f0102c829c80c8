"""One file in, everything the index needs out: the part of the ingest that reads untrusted bytes.

`parse_file` runs in a forked child of the parse worker (`ingest.worker`) under its time and memory
limits; its result crosses back to the ingesting process as JSON (never pickle: a parser bug exploited
by a hostile file must not turn into code the ingesting process runs).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ingest.chunking import ChunkDraft, chunk_document, mark_pages, strip_page_marks
from ingest.fingerprint import content_hash, minhash
from ingest.limits import IngestLimits, LoadError
from ingest.loaders import load_file
from ingest.metadata import Metadata, extract_metadata
from ingest.plausibility import check_plausible
from knowledge.models import DocumentType
from knowledge.text.injection import screen_paragraphs


@dataclass(frozen=True)
class ParseRequest:
    path: str
    source: str
    type_override: str | None = None
    # What the index holds for this source: an unchanged file is recognised before it is chunked.
    known_hash: str | None = None
    known_type: str | None = None
    limits: IngestLimits = field(default_factory=IngestLimits)
    with_attachments: bool = True  # an attachment's own attachments are not read
    loader: str | None = None  # a loader by name instead of by suffix ("gii": a law's XML)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "source": self.source,
            "type_override": self.type_override,
            "known_hash": self.known_hash,
            "known_type": self.known_type,
            "limits": self.limits.as_json(),
            "with_attachments": self.with_attachments,
            "loader": self.loader,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParseRequest:
        return cls(**{**data, "limits": IngestLimits(**data["limits"])})


@dataclass(frozen=True)
class ParsedFile:
    meta: Metadata
    digest: str
    unchanged: bool = False
    format: str = ""
    fingerprint: bytes = b""
    text: str = ""  # after screening: what the catalog stores
    screened: int = 0
    drafts: list[ChunkDraft] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # An e-mail's attachments: each a document of its own, or the reason it could not be read.
    attachments: list[AttachmentResult] = field(default_factory=list)


@dataclass(frozen=True)
class AttachmentResult:
    name: str
    source: str
    parsed: ParsedFile | None = None
    error: LoadError | None = None


def attachment_source(source: str, name: str) -> str:
    """How an attachment is named in the index: "postfach/mail.eml#Anlage.pdf"."""
    return f"{source}#{name}"


_KEPT_FRONT_MATTER = ("sources", "tags", "valid_from", "notice", "sample", "url", "quelle", "gueltig_ab")


def parse_file(request: ParseRequest) -> ParsedFile:
    """Load, check, describe, fingerprint, screen and chunk one file; raises `LoadError`."""
    limits = request.limits
    loaded = load_file(Path(request.path), limits, loader_name=request.loader)
    check_plausible(loaded.text, min_word_share=limits.min_word_share)
    meta = extract_metadata(
        request.source,
        loaded.text,
        loaded.front_matter,
        html_title=loaded.html_title,
        type_override=DocumentType(request.type_override) if request.type_override else None,
    )
    digest = content_hash(loaded.text)
    if request.known_hash == digest and request.known_type == meta.type.value:
        return ParsedFile(meta=meta, digest=digest, unchanged=True)
    # Documents are data: paragraphs that address an AI, and hidden HTML comments, are not indexed.
    # Paged text is chunked with its page marks, so that every chunk knows its page.
    marked, screened = screen_paragraphs(mark_pages(loaded.pages) if loaded.pages else loaded.text)
    drafts = chunk_document(marked, meta.type, meta.title)
    extra = {key: loaded.front_matter[key] for key in _KEPT_FRONT_MATTER if key in loaded.front_matter}
    extra.update(loaded.extra)
    extra["format"] = loaded.format
    if loaded.pages:
        extra["chunk_pages"] = [draft.page for draft in drafts]
    return ParsedFile(
        meta=meta,
        digest=digest,
        format=loaded.format,
        fingerprint=minhash(loaded.text),
        text=strip_page_marks(marked) if loaded.pages else marked,
        screened=screened,
        drafts=drafts,
        # YAML dates and the like become strings here, as they would in the catalog's JSON column.
        extra=json.loads(json.dumps(extra, ensure_ascii=False, default=str)),
        attachments=_attachments(request, loaded.attachments) if request.with_attachments else [],
    )


def _attachments(request: ParseRequest, attachments: tuple[Any, ...]) -> list[AttachmentResult]:
    """Each attachment parsed as a file of its own, in this same child and under its limits."""
    results: list[AttachmentResult] = []
    with tempfile.TemporaryDirectory(prefix="jha-anhang-") as folder:
        for number, attachment in enumerate(attachments):
            path = Path(folder) / f"{number}-{Path(attachment.name).name}"
            path.write_bytes(attachment.data)
            source = attachment_source(request.source, attachment.name)
            nested = replace(
                request,
                path=str(path),
                source=source,
                known_hash=None,
                known_type=None,
                with_attachments=False,
            )
            try:
                results.append(AttachmentResult(attachment.name, source, parsed=parse_file(nested)))
            except LoadError as exc:
                results.append(AttachmentResult(attachment.name, source, error=exc))
    return results


def parsed_to_json(parsed: ParsedFile) -> dict[str, Any]:
    meta = parsed.meta
    return {
        "meta": {
            "title": meta.title,
            "type": meta.type.value,
            "date": _iso(meta.date),
            "publisher": meta.publisher,
            "region": meta.region,
            "law": meta.law,
            "version_state": _iso(meta.version_state),
        },
        "digest": parsed.digest,
        "unchanged": parsed.unchanged,
        "format": parsed.format,
        "fingerprint": parsed.fingerprint.hex(),
        "text": parsed.text,
        "screened": parsed.screened,
        "drafts": [
            [d.text, d.section, d.paragraph, list(d.absaetze), d.chapter, d.page] for d in parsed.drafts
        ],
        "extra": parsed.extra,
        "attachments": [
            {
                "name": a.name,
                "source": a.source,
                "ok": parsed_to_json(a.parsed) if a.parsed else None,
                "error": a.error.reason if a.error else None,
                "limit": a.error.limit if a.error else None,
            }
            for a in parsed.attachments
        ],
    }


def parsed_from_json(data: dict[str, Any]) -> ParsedFile:
    meta = data["meta"]
    return ParsedFile(
        meta=Metadata(
            title=str(meta["title"]),
            type=DocumentType(meta["type"]),
            date=_date(meta["date"]),
            publisher=meta["publisher"],
            region=meta["region"],
            law=meta["law"],
            version_state=_date(meta["version_state"]),
        ),
        digest=str(data["digest"]),
        unchanged=bool(data["unchanged"]),
        format=str(data["format"]),
        fingerprint=bytes.fromhex(data["fingerprint"]),
        text=str(data["text"]),
        screened=int(data["screened"]),
        drafts=[
            ChunkDraft(text, section, paragraph, tuple(absaetze), chapter, page)
            for text, section, paragraph, absaetze, chapter, page in data["drafts"]
        ],
        extra=dict(data["extra"]),
        attachments=[
            AttachmentResult(
                a["name"],
                a["source"],
                parsed=parsed_from_json(a["ok"]) if a["ok"] else None,
                error=LoadError(a["error"], limit=a["limit"]) if a["error"] else None,
            )
            for a in data.get("attachments", [])
        ],
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
