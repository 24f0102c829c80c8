"""The catalog's SQLite schema and the mapping between its rows and the core's dataclasses."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import Any

from knowledge.models import Chunk, Document, DocumentType

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    type TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    date TEXT,
    publisher TEXT,
    region TEXT,
    law TEXT,
    version_state TEXT,
    ingested_at TEXT,
    superseded_by TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    fingerprint BLOB
);
CREATE INDEX IF NOT EXISTS documents_content_hash ON documents (content_hash);
CREATE INDEX IF NOT EXISTS documents_law ON documents (law);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    section TEXT,
    paragraph TEXT,
    absaetze TEXT NOT NULL DEFAULT '[]',
    chapter TEXT
);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks (document_id, ordinal);
CREATE TABLE IF NOT EXISTS write_journal (
    kind TEXT NOT NULL,  -- 'vector': a chunk id whose vector may be an orphan; 'metadata': a document id
    id TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
"""


def first(rows: list[sqlite3.Row]) -> sqlite3.Row | None:
    return rows[0] if rows else None


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def document_from_row(row: sqlite3.Row) -> Document:
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
    )


def _loads(raw: str | None) -> dict[str, Any]:
    value = json.loads(raw) if raw else {}
    return value if isinstance(value, dict) else {}


def chunk_from_row(row: sqlite3.Row) -> Chunk:
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
