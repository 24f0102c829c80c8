"""The catalog as a table: what `ingest list --json`, the documents page and GET /api/documents show."""

from __future__ import annotations

from typing import Any

from knowledge.index import KnowledgeIndex
from knowledge.models import Document
from knowledge.settings import Settings
from knowledge.stores import open_catalog


def document_rows(index: KnowledgeIndex) -> list[dict[str, Any]]:
    """One JSON-ready row per document the index (view) reads, with which version supersedes which."""
    counts = index.chunk_counts()
    documents = index.documents()
    superseding = {d.superseded_by: d.id for d in documents if d.superseded_by}
    return [
        {
            "id": d.id,
            "source": d.source,
            "title": d.title,
            "type": d.type.value,
            "collection": d.collection,
            "date": d.date.isoformat() if d.date else None,
            "law": d.law,
            "version_state": d.version_state.isoformat() if d.version_state else None,
            "chunks": counts.get(d.id, 0),
            "superseded_by": d.superseded_by,
            "supersedes": superseding.get(d.id),
            "ingested_at": d.ingested_at.isoformat() if d.ingested_at else None,
            # PDFs and scans: "12 Seiten, 9 per Texterkennung"
            "pages": d.extra.get("pages"),
            "ocr_pages": d.extra.get("ocr_pages", []),
            "ocr_confidence": d.extra.get("ocr_confidence"),
            "pages_note": d.pages_note,
        }
        for d in documents
    ]


def indexed_documents(settings: Settings) -> list[Document]:
    """The catalog's documents, read without opening the rest of the index (a sync's plan needs no
    vectors and no lexical snapshot)."""
    catalog = open_catalog(settings)
    try:
        return catalog.documents()
    finally:
        catalog.close()
