"""The core's own data types. Chroma, bm25s and LangChain types are converted at the adapters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from knowledge.collections import DEFAULT_COLLECTION


class DocumentType(StrEnum):
    PRESS_RELEASE = "press_release"
    WORKSHOP = "workshop"
    LEGAL_CHANGE = "legal_change"
    LAW = "law"
    BYLAW = "bylaw"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    DocumentType.PRESS_RELEASE: "Pressemitteilung",
    DocumentType.WORKSHOP: "Praxismaterial",
    DocumentType.LEGAL_CHANGE: "Rechtsänderung",
    DocumentType.LAW: "Gesetz",
    DocumentType.BYLAW: "Satzung",
    DocumentType.OTHER: "Sonstiges",
}


@dataclass(frozen=True)
class Document:
    """One indexed source file, as a whole. `id` is stable across updates of the same source."""

    id: str
    source: str
    title: str
    type: DocumentType
    content_hash: str
    date: dt.date | None = None
    publisher: str | None = None
    region: str | None = None
    law: str | None = None  # e.g. "SGB VIII"
    version_state: dt.date | None = None  # the law's "Stand"
    ingested_at: dt.datetime | None = None
    superseded_by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    collection: str = DEFAULT_COLLECTION  # who may see it (`knowledge.collections`)

    def page_of(self, chunk: Chunk) -> int | None:
        """The page a chunk starts on, for paged formats (PDF, scans): ingest records it per ordinal."""
        pages = self.extra.get("chunk_pages") or []
        page = pages[chunk.ordinal] if 0 <= chunk.ordinal < len(pages) else None
        return int(page) if page else None

    @property
    def pages_note(self) -> str | None:
        """ "12 Seiten, 9 per Texterkennung" for paged formats."""
        count = self.extra.get("pages")
        if not count:
            return None
        note = "1 Seite" if count == 1 else f"{count} Seiten"
        ocr = self.extra.get("ocr_pages") or []
        if ocr:
            note += f", {len(ocr)} per Texterkennung"
            confidence = self.extra.get("ocr_confidence")
            if confidence is not None:
                note += f" (Erkennungsgüte {round(confidence)} %)"
        return note


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage of a document with the structure it stands in."""

    id: str
    document_id: str
    ordinal: int
    text: str
    section: str | None = None  # "§ 8a Schutzauftrag bei Kindeswohlgefährdung" or a prose heading
    paragraph: str | None = None  # "§ 8a", for citations and gold matching
    absaetze: tuple[str, ...] = ()  # Absatz numbers the chunk spans: ("1", "2")
    chapter: str | None = None

    def context_text(self, title: str) -> str:
        """The text that is embedded and indexed: title and section give a passage its context."""
        head = " – ".join(part for part in (title, self.chapter, self.section) if part)
        return f"{head}\n{self.text}"


@dataclass(frozen=True)
class Hit:
    """A search result: a chunk with its document and the fused score."""

    rank: int
    score: float
    chunk: Chunk
    document: Document

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "document_id": self.document.id,
            "chunk_id": self.chunk.id,
            "source": self.document.source,
            "title": self.document.title,
            "section": self.chunk.section,
            "absaetze": list(self.chunk.absaetze),
            "page": self.document.page_of(self.chunk),
            "type": self.document.type.value,
            "date": self.document.date.isoformat() if self.document.date else None,
            "superseded": self.document.superseded_by is not None,
            "collection": self.document.collection,
            "text": self.chunk.text,
        }
