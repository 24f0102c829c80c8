"""The catalog: which documents and chunks are live. It is the atomic switch of the index.

Vector and lexical stores may briefly hold chunks the catalog does not list (written before a
replacement commits, or left by a crash); search only returns chunks the catalog lists, so a reader
never sees half a document. The write journal (`write_journal`) names every vector a write may leave
behind, committed before Chroma sees it: the next write deletes what the catalog does not list
(`KnowledgeIndex.apply_write_journal`), and `python -m ingest repair` reconciles everything else.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from knowledge.catalog_rows import SCHEMA, chunk_from_row, document_from_row, first, iso
from knowledge.models import Chunk, Document


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
        self._db.executescript(SCHEMA)
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
        row = first(self._execute("SELECT value FROM meta WHERE key = ?", (key,)))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def delete_meta(self, key: str) -> None:
        self._execute("DELETE FROM meta WHERE key = ?", (key,))

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
                iso(document.date),
                document.publisher,
                document.region,
                document.law,
                iso(document.version_state),
                iso(document.ingested_at),
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
        row = first(self._execute("SELECT * FROM documents WHERE id = ?", (document_id,)))
        return None if row is None else document_from_row(row)

    def find_by_source(self, source: str) -> Document | None:
        row = first(self._execute("SELECT * FROM documents WHERE source = ?", (source,)))
        return None if row is None else document_from_row(row)

    def find_by_content_hash(self, content_hash: str) -> Document | None:
        row = first(self._execute("SELECT * FROM documents WHERE content_hash = ?", (content_hash,)))
        return None if row is None else document_from_row(row)

    def document_text(self, document_id: str) -> str | None:
        row = first(self._execute("SELECT text FROM documents WHERE id = ?", (document_id,)))
        return None if row is None else str(row["text"])

    def documents(self) -> list[Document]:
        return [
            document_from_row(row) for row in self._execute("SELECT * FROM documents ORDER BY type, source")
        ]

    def versions_of(self, law: str) -> list[Document]:
        return [
            document_from_row(row) for row in self._execute("SELECT * FROM documents WHERE law = ?", (law,))
        ]

    def fingerprints(self) -> list[tuple[str, bytes]]:
        rows = self._execute("SELECT id, fingerprint FROM documents WHERE fingerprint IS NOT NULL")
        return [(str(row["id"]), bytes(row["fingerprint"])) for row in rows]

    # -- chunks -----------------------------------------------------------------------------------
    def chunk_ids(self, document_id: str) -> list[str]:
        rows = self._execute("SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,))
        return [str(row["id"]) for row in rows]

    def chunks_of(self, document_id: str) -> list[Chunk]:
        rows = self._execute("SELECT * FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,))
        return [chunk_from_row(row) for row in rows]

    def paragraph_chunks(self, document_id: str, paragraph: str) -> list[Chunk]:
        """The chunks of one § of one document, in their order."""
        rows = self._execute(
            "SELECT * FROM chunks WHERE document_id = ? AND paragraph = ? ORDER BY ordinal",
            (document_id, paragraph),
        )
        return [chunk_from_row(row) for row in rows]

    def all_chunks(self) -> list[Chunk]:
        return [
            chunk_from_row(row) for row in self._execute("SELECT * FROM chunks ORDER BY document_id, ordinal")
        ]

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
                found[str(row["id"])] = chunk_from_row(row)
        return found

    def counts(self) -> dict[str, int]:
        documents = first(self._execute("SELECT COUNT(*) AS n FROM documents"))
        chunks = first(self._execute("SELECT COUNT(*) AS n FROM chunks"))
        return {
            "documents": int(documents["n"] if documents else 0),
            "chunks": int(chunks["n"] if chunks else 0),
        }

    def all_chunk_ids(self) -> list[str]:
        return [str(row["id"]) for row in self._execute("SELECT id FROM chunks")]

    def live_chunk_ids(self, chunk_ids: list[str]) -> set[str]:
        """The subset of `chunk_ids` the catalog lists."""
        found: set[str] = set()
        for start in range(0, len(chunk_ids), 500):
            batch = chunk_ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self._execute(f"SELECT id FROM chunks WHERE id IN ({marks})", batch)
            found.update(str(row["id"]) for row in rows)
        return found

    def duplicate_chunks(self) -> int:
        """Chunks that share (document, ordinal) with another: a write that replaced nothing."""
        row = first(
            self._execute(
                "SELECT COUNT(*) AS n FROM (SELECT document_id, ordinal FROM chunks"
                " GROUP BY document_id, ordinal HAVING COUNT(*) > 1)"
            )
        )
        return int(row["n"]) if row else 0

    # -- write journal ----------------------------------------------------------------------------
    def journal_add(self, kind: str, ids: list[str]) -> None:
        """Record ids a write may leave behind (commits by itself unless inside `transaction()`)."""
        with self._lock:
            own = not self._db.in_transaction  # one commit for all rows, not one per row
            if own:
                self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR IGNORE INTO write_journal (kind, id) VALUES (?, ?)", [(kind, i) for i in ids]
            )
            if own:
                self._db.execute("COMMIT")

    def journal(self) -> dict[str, list[str]]:
        entries: dict[str, list[str]] = {}
        for row in self._execute("SELECT kind, id FROM write_journal ORDER BY kind, id"):
            entries.setdefault(str(row["kind"]), []).append(str(row["id"]))
        return entries

    def journal_size(self) -> int:
        row = first(self._execute("SELECT COUNT(*) AS n FROM write_journal"))
        return int(row["n"]) if row else 0

    def journal_clear(self) -> None:
        self._execute("DELETE FROM write_journal")

    def chunk_counts(self) -> dict[str, int]:
        rows = self._execute("SELECT document_id, COUNT(*) AS n FROM chunks GROUP BY document_id")
        return {str(row["document_id"]): int(row["n"]) for row in rows}
