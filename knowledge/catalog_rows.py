"""The catalog's tables (SQLite or PostgreSQL) and the mapping between its rows and the core's dataclasses."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, Table, Text

from knowledge.collections import DEFAULT_COLLECTION
from knowledge.database import metadata
from knowledge.models import Chunk, Document, DocumentType

Row = Mapping[str, Any]  # a row by column name (SQLAlchemy's RowMapping or a plain dict)

documents = Table(
    "documents",
    metadata,
    Column("id", Text, primary_key=True),
    Column("source", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("text", Text, nullable=False),
    # Dates as ISO text, as the first (sqlite3) catalog stored them: the same values on both backends.
    Column("date", Text),
    Column("publisher", Text),
    Column("region", Text),
    Column("law", Text),
    Column("version_state", Text),
    Column("ingested_at", Text),
    Column("superseded_by", Text),
    Column("extra", Text, nullable=False, server_default="{}"),
    Column("fingerprint", LargeBinary),
    Column("collection", Text, nullable=False, server_default=DEFAULT_COLLECTION),
    Index("documents_content_hash", "content_hash"),
    Index("documents_law", "law"),
    Index("documents_collection", "collection"),
)

chunks = Table(
    "chunks",
    metadata,
    Column("id", Text, primary_key=True),
    Column("document_id", Text, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("section", Text),
    Column("paragraph", Text),
    Column("absaetze", Text, nullable=False, server_default="[]"),
    Column("chapter", Text),
    Index("chunks_document", "document_id", "ordinal"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

write_journal = Table(
    "write_journal",
    metadata,
    # 'vector': a chunk id whose vector may be an orphan; 'metadata': a document id to re-sync.
    Column("kind", Text, primary_key=True),
    Column("id", Text, primary_key=True),
)


def first(rows: Sequence[Row]) -> Row | None:
    return rows[0] if rows else None


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def document_from_row(row: Row) -> Document:
    return Document(
        id=row["id"],
        source=row["source"],
        title=row["title"],
        type=DocumentType(row["type"]),
        content_hash=row["content_hash"],
        date=date.fromisoformat(row["date"]) if row["date"] else None,
        publisher=row["publisher"],
        region=row["region"],
        law=row["law"],
        version_state=date.fromisoformat(row["version_state"]) if row["version_state"] else None,
        ingested_at=datetime.fromisoformat(row["ingested_at"]) if row["ingested_at"] else None,
        superseded_by=row["superseded_by"],
        extra=_loads(row["extra"]),
        collection=row["collection"],
    )


def _loads(raw: str | None) -> dict[str, Any]:
    value = json.loads(raw) if raw else {}
    return value if isinstance(value, dict) else {}


def chunk_from_row(row: Row) -> Chunk:
    return Chunk(
        id=row["id"],
        document_id=row["document_id"],
        ordinal=int(row["ordinal"]),
        text=row["text"],
        section=row["section"],
        paragraph=row["paragraph"],
        absaetze=tuple(json.loads(row["absaetze"])),
        chapter=row["chapter"],
    )


# The columns `chunk_from_values` reads, in its order.
CHUNK_COLUMNS = "id, document_id, ordinal, text, section, paragraph, absaetze, chapter"
_NO_ABSAETZE = "[]"


def chunk_from_values(values: Sequence[Any]) -> Chunk:
    """A chunk from a row of `CHUNK_COLUMNS` as a tuple (the search's hot path: no dict per row)."""
    chunk_id, document_id, ordinal, text, section, paragraph, absaetze, chapter = values
    return Chunk(
        id=chunk_id,
        document_id=document_id,
        ordinal=int(ordinal),
        text=text,
        section=section,
        paragraph=paragraph,
        absaetze=() if absaetze == _NO_ABSAETZE else tuple(json.loads(absaetze)),
        chapter=chapter,
    )
