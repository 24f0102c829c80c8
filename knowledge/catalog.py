"""The catalog: which documents and chunks are live. It is the atomic switch of the index.

Vector and lexical stores may briefly hold chunks the catalog does not list (written before a
replacement commits, or left by a crash); search only returns chunks the catalog lists, so a reader
never sees half a document. `KnowledgeIndex.reindex()` clears such leftovers.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from knowledge.models import Chunk, Document, DocumentType

_SCHEMA = """
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
"""


class Catalog:
    """SQLite file with documents, chunks and index metadata.

    >>> catalog = Catalog(Path("var/index/catalog.sqlite3"))  # doctest: +SKIP
    >>> catalog.get_document("laws-2026-sgb8-md").title  # doctest: +SKIP
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # check_same_thread=False: the web server reads from worker threads; sqlite serialises writes.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(_SCHEMA)
        # One connection shared by the web server's threads: the lock serialises its use.
        self._lock = threading.RLock()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- metadata ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = _first(self._execute("SELECT value FROM meta WHERE key = ?", (key,)))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def bump_version(self) -> int:
        version = self.version + 1
        self.set_meta("index_version", str(version))
        return version

    @property
    def version(self) -> int:
        return int(self.get_meta("index_version") or 0)

    # -- documents --------------------------------------------------------------------------------
    def put_document(
        self, document: Document, text: str, chunks: list[Chunk], fingerprint: bytes | None
    ) -> None:
        """Insert or replace a document and all its chunks (call inside `transaction()`)."""
        self._execute("DELETE FROM chunks WHERE document_id = ?", (document.id,))
        self._execute("DELETE FROM documents WHERE id = ? OR source = ?", (document.id, document.source))
        self._execute(
            "INSERT INTO documents (id, source, title, type, content_hash, text, date, publisher, region,"
            " law, version_state, ingested_at, superseded_by, extra, fingerprint)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.id,
                document.source,
                document.title,
                document.type.value,
                document.content_hash,
                text,
                _iso(document.date),
                document.publisher,
                document.region,
                document.law,
                _iso(document.version_state),
                _iso(document.ingested_at),
                document.superseded_by,
                json.dumps(document.extra, ensure_ascii=False, default=str),
                fingerprint,
            ),
        )
        rows = [
            (
                c.id,
                c.document_id,
                c.ordinal,
                c.text,
                c.section,
                c.paragraph,
                json.dumps(c.absaetze),
                c.chapter,
            )
            for c in chunks
        ]
        with self._lock:
            self._db.executemany(
                "INSERT INTO chunks (id, document_id, ordinal, text, section, paragraph, absaetze, chapter)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def delete_document(self, document_id: str) -> list[str]:
        """Delete a document; returns its chunk ids (call inside `transaction()`)."""
        chunk_ids = self.chunk_ids(document_id)
        self._execute("UPDATE documents SET superseded_by = NULL WHERE superseded_by = ?", (document_id,))
        self._execute("DELETE FROM documents WHERE id = ?", (document_id,))
        return chunk_ids

    def set_superseded(self, document_id: str, superseded_by: str | None) -> None:
        self._execute("UPDATE documents SET superseded_by = ? WHERE id = ?", (superseded_by, document_id))

    def get_document(self, document_id: str) -> Document | None:
        row = _first(self._execute("SELECT * FROM documents WHERE id = ?", (document_id,)))
        return None if row is None else _document(row)

    def find_by_source(self, source: str) -> Document | None:
        row = _first(self._execute("SELECT * FROM documents WHERE source = ?", (source,)))
        return None if row is None else _document(row)

    def find_by_content_hash(self, content_hash: str) -> Document | None:
        row = _first(self._execute("SELECT * FROM documents WHERE content_hash = ?", (content_hash,)))
        return None if row is None else _document(row)

    def document_text(self, document_id: str) -> str | None:
        row = _first(self._execute("SELECT text FROM documents WHERE id = ?", (document_id,)))
        return None if row is None else str(row["text"])

    def documents(self) -> list[Document]:
        return [_document(row) for row in self._execute("SELECT * FROM documents ORDER BY type, source")]

    def versions_of(self, law: str) -> list[Document]:
        return [_document(row) for row in self._execute("SELECT * FROM documents WHERE law = ?", (law,))]

    def fingerprints(self) -> list[tuple[str, bytes]]:
        rows = self._execute("SELECT id, fingerprint FROM documents WHERE fingerprint IS NOT NULL")
        return [(str(row["id"]), bytes(row["fingerprint"])) for row in rows]

    # -- chunks -----------------------------------------------------------------------------------
    def chunk_ids(self, document_id: str) -> list[str]:
        rows = self._execute("SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,))
        return [str(row["id"]) for row in rows]

    def chunks_of(self, document_id: str) -> list[Chunk]:
        rows = self._execute("SELECT * FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,))
        return [_chunk(row) for row in rows]

    def paragraph_chunks(self, document_id: str, paragraph: str) -> list[Chunk]:
        """The chunks of one § of one document, in their order."""
        rows = self._execute(
            "SELECT * FROM chunks WHERE document_id = ? AND paragraph = ? ORDER BY ordinal",
            (document_id, paragraph),
        )
        return [_chunk(row) for row in rows]

    def all_chunks(self) -> list[Chunk]:
        return [_chunk(row) for row in self._execute("SELECT * FROM chunks ORDER BY document_id, ordinal")]

    def paragraphs(self) -> dict[str, frozenset[str]]:
        """law (or "" for documents without one) -> the "§ n" its chunks hold."""
        rows = self._execute(
            "SELECT DISTINCT COALESCE(d.law, '') AS law, c.paragraph FROM chunks c"
            " JOIN documents d ON d.id = c.document_id WHERE c.paragraph IS NOT NULL"
        )
        result: dict[str, set[str]] = {}
        for row in rows:
            result.setdefault(str(row["law"]), set()).add(str(row["paragraph"]))
        return {law: frozenset(paragraphs) for law, paragraphs in result.items()}

    def chunk_owners(self) -> dict[str, str]:
        """chunk id -> document id for every live chunk (search filters on it)."""
        rows = self._execute("SELECT id, document_id FROM chunks")
        return {str(row["id"]): str(row["document_id"]) for row in rows}

    def get_chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        found: dict[str, Chunk] = {}
        for start in range(0, len(chunk_ids), 500):
            batch = chunk_ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            for row in self._execute(f"SELECT * FROM chunks WHERE id IN ({marks})", batch):
                found[str(row["id"])] = _chunk(row)
        return found

    def counts(self) -> dict[str, int]:
        documents = _first(self._execute("SELECT COUNT(*) AS n FROM documents"))
        chunks = _first(self._execute("SELECT COUNT(*) AS n FROM chunks"))
        return {
            "documents": int(documents["n"] if documents else 0),
            "chunks": int(chunks["n"] if chunks else 0),
        }

    def chunk_counts(self) -> dict[str, int]:
        rows = self._execute("SELECT document_id, COUNT(*) AS n FROM chunks GROUP BY document_id")
        return {str(row["document_id"]): int(row["n"]) for row in rows}


def _first(rows: list[sqlite3.Row]) -> sqlite3.Row | None:
    return rows[0] if rows else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _document(row: sqlite3.Row) -> Document:
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


def _chunk(row: sqlite3.Row) -> Chunk:
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
