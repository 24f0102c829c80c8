"""The catalog as a table: what `ingest list --json`, the documents page and GET /api/documents show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from knowledge.models import Document, DocumentType
from knowledge.settings import Settings
from knowledge.stores import open_catalog

if TYPE_CHECKING:  # the index (numpy, scikit-learn, Chroma) is not imported by `indexed_documents`' callers
    from knowledge.index import KnowledgeIndex


@dataclass(frozen=True)
class DocumentListing:
    """One document of the listing, with which version supersedes which."""

    id: str
    source: str
    title: str
    type: DocumentType
    collection: str
    date: dt.date | None
    law: str | None
    version_state: dt.date | None
    chunks: int
    superseded_by: str | None
    supersedes: str | None
    ingested_at: dt.datetime | None
    # PDFs and scans, from the document's extra metadata: "12 Seiten, 9 per Texterkennung"
    pages: int | None
    ocr_pages: list[int]
    ocr_confidence: float | None
    pages_note: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "type": self.type.value,
            "collection": self.collection,
            "date": _iso(self.date),
            "law": self.law,
            "version_state": _iso(self.version_state),
            "chunks": self.chunks,
            "superseded_by": self.superseded_by,
            "supersedes": self.supersedes,
            "ingested_at": _iso(self.ingested_at),
            "pages": self.pages,
            "ocr_pages": self.ocr_pages,
            "ocr_confidence": self.ocr_confidence,
            "pages_note": self.pages_note,
        }


def document_rows(index: KnowledgeIndex) -> list[DocumentListing]:
    """One row per document the index (view) reads."""
    counts = index.chunk_counts()
    documents = index.documents()
    superseding = {d.superseded_by: d.id for d in documents if d.superseded_by}
    return [
        DocumentListing(
            id=d.id,
            source=d.source,
            title=d.title,
            type=d.type,
            collection=d.collection,
            date=d.date,
            law=d.law,
            version_state=d.version_state,
            chunks=counts.get(d.id, 0),
            superseded_by=d.superseded_by,
            supersedes=superseding.get(d.id),
            ingested_at=d.ingested_at,
            pages=d.extra.get("pages"),
            ocr_pages=d.extra.get("ocr_pages", []),
            ocr_confidence=d.extra.get("ocr_confidence"),
            pages_note=d.pages_note,
        )
        for d in documents
    ]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def indexed_documents(settings: Settings) -> list[Document]:
    """The catalog's documents, read without opening the rest of the index (a sync's plan needs no
    vectors and no lexical snapshot)."""
    catalog = open_catalog(settings)
    try:
        return catalog.documents()
    finally:
        catalog.close()
