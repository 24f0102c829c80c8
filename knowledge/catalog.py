"""The catalog: which documents and chunks are live. It is the atomic switch of the index.

Vector and lexical stores may briefly hold chunks the catalog does not list (written before a
replacement commits, or left by a crash); search only returns chunks the catalog lists, so a reader
never sees half a document. The write journal (`write_journal`) names every vector a write may leave
behind, committed before Chroma sees it: the next write deletes what the catalog does not list
(`KnowledgeIndex.apply_write_journal`), and `python -m ingest repair` reconciles everything else.

The tables are SQLAlchemy Core (`knowledge.catalog_rows`) on SQLite (default: `var/index/catalog.sqlite3`)
or PostgreSQL (`JHA_DATABASE_URL`), migrated by Alembic's `catalog` branch when the catalog opens.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, event, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql import Executable

from knowledge.catalog_rows import (
    CHUNK_COLUMNS,
    chunk_from_row,
    chunk_from_values,
    document_from_row,
    first,
    iso,
    meta,
    write_journal,
)
from knowledge.catalog_rows import chunks as chunk_table
from knowledge.catalog_rows import documents as document_table
from knowledge.database import CATALOG, is_sqlite, migrate, open_database, open_reader, sqlite_path
from knowledge.models import Chunk, Document
from knowledge.reachable import database_errors

# A `Document` without the text and fingerprint columns: every search view reads the document list, and
# every citation shown looks its document up (at 1,500 documents `SELECT *` pulled their whole texts,
# ~400 ms of the first query). The text has its own reader (`document_text`).
_DOCUMENT_COLUMNS = ", ".join(c.name for c in document_table.c if c.name not in {"text", "fingerprint"})
_BATCH = 500  # ids per IN (…): below SQLite's variable limit, and short statements for PostgreSQL
# Entries of the per-version cache (`_per_version`) before it starts afresh: one per document and per
# § looked up, a few thousand at most for the corpus; the bound keeps a long-running worker's memory flat.
_CACHE_ENTRIES = 20_000
_T = TypeVar("_T")


class SqlCatalog:
    """Documents, chunks and index metadata in SQLite or PostgreSQL.

    >>> catalog = SqlCatalog("sqlite:///var/index/catalog.sqlite3")  # doctest: +SKIP
    >>> catalog.get_document("laws-2026-sgb8-md").title  # doctest: +SKIP
    """

    def __init__(self, url: str | Path) -> None:
        self.url = url if isinstance(url, str) else f"sqlite:///{url}"
        self.engine = open_database(self.url)
        self._local = threading.local()  # this thread's open transaction and SQLite read connection
        self._sqlite_file = sqlite_path(self.url) if is_sqlite(self.url) else None
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        # PostgreSQL: reads outside a transaction go through an autocommit engine without pre-ping.
        self._reader = None if is_sqlite(self.url) else open_reader(self.url)
        # Rows that only a write changes, and every write bumps the version: kept per version.
        self._cache: dict[Hashable, Any] = {}
        self._cache_version: int | None = None
        self._cache_lock = threading.Lock()
        if is_sqlite(self.url):
            _immediate_transactions(self.engine, self._local)
        with database_errors(self.url):
            migrate(self.engine, (CATALOG,))

    def close(self) -> None:
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        if self._reader is not None:
            self._reader.dispose()
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for everything this thread does inside; nested calls join the outer one.

        On SQLite it begins IMMEDIATE (takes the write lock at once), so a transaction that reads and
        then writes never fails halfway because another process wrote in between.
        """
        if getattr(self._local, "connection", None) is not None:
            yield
            return
        self._local.immediate = True
        try:
            with self.engine.begin() as connection:
                self._local.connection = connection
                try:
                    yield
                finally:
                    self._local.connection = None
        finally:
            self._local.immediate = False

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Every read of this thread inside sees one catalog version, read once at the first read that
        needs it: a chat request asked for the version ~28 times (the search's watch, each per-version
        cache, the term lists), each a round trip. A reader pinned to one version also sees one state
        of the index throughout, where another process's write could fall between two unpinned reads.
        Writes and transactions read the version as it stands; nested calls join the outer pin."""
        if getattr(self._local, "pin", None) is not None:
            yield
            return
        self._local.pin = _Pin()
        try:
            yield
        finally:
            self._local.pin = None

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        current: Connection | None = getattr(self._local, "connection", None)
        if current is not None:
            yield current
            return
        with self.engine.begin() as connection:
            yield connection

    def _rows(self, statement: Executable) -> list[RowMapping]:
        with self._connection() as connection:
            return list(connection.execute(statement).mappings())

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """A read in plain SQL on a DBAPI connection: the hot path of every search (the version, the
        hits' chunks) stays as fast as it was with sqlite3 alone; through SQLAlchemy's Core each read
        cost ~0.2-1 ms more. `?` marks a parameter on both backends."""
        names, rows = self._read_tuples(sql, params)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _read_tuples(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        """`_read` as the column names and the rows as tuples (no dict per row)."""
        if not is_sqlite(self.url):
            sql = sql.replace("?", "%s")
        current: Connection | None = getattr(self._local, "connection", None)
        if current is not None:
            result = current.exec_driver_sql(sql, tuple(params))
            return list(result.keys()), [tuple(row) for row in result]
        if self._sqlite_file is not None:
            found = self._sqlite_reader().execute(sql, tuple(params))
            return [column[0] for column in found.description or ()], found.fetchall()
        return self._server_read(sql, tuple(params))

    def _server_read(self, sql: str, params: tuple[Any, ...], *, retry: bool = True) -> tuple[list[str], Any]:
        """One statement on an autocommit connection of the reader pool (no ping, no rollback). A
        connection the server dropped (restart, idle timeout) fails here: it is discarded and the read
        retried once on a fresh one, which is what the pre-ping did for every read."""
        assert self._reader is not None
        raw = self._reader.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description or ()]
            rows = [tuple(row) for row in cursor.fetchall()]
            cursor.close()
        except self._reader.dialect.loaded_dbapi.OperationalError:
            raw.invalidate()
            if not retry:
                raise
            return self._server_read(sql, params, retry=False)
        finally:
            raw.close()  # back to the pool; autocommit: no transaction to roll back
        return names, rows

    def _sqlite_reader(self) -> sqlite3.Connection:
        """This thread's own read connection to the SQLite file, kept open (a pool checkout costs more
        than the read); autocommit, so that it never holds a snapshot between reads."""
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None:
            assert self._sqlite_file is not None
            reader = sqlite3.connect(self._sqlite_file, isolation_level=None, check_same_thread=False)
            reader.execute("PRAGMA busy_timeout = 30000")
            self._local.reader = reader
            with self._readers_lock:
                self._readers.append(reader)
        return reader

    def _per_version(self, key: Hashable, read: Callable[[], _T]) -> _T:
        """`read()` once per catalog version: documents, § lists and § chunks change only with a write,
        and every write of documents or chunks bumps the version in its transaction. A chat request
        looked up the same documents and §§ a dozen times, each a round trip to PostgreSQL; now each
        costs the version read. Inside a transaction the rows are read as they stand (uncommitted)."""
        if getattr(self._local, "connection", None) is not None:
            return read()
        version = self.version
        with self._cache_lock:
            if self._cache_version != version:
                self._cache = {}
                self._cache_version = version
            if key in self._cache:
                return self._cache[key]
        value = read()
        with self._cache_lock:
            # Not kept when this process wrote meanwhile (`_forget`): the read may predate the write.
            if self._cache_version == version:
                if len(self._cache) >= _CACHE_ENTRIES:
                    self._cache = {}
                self._cache[key] = value
        return value

    def _forget(self) -> None:
        """Drop the per-version cache: this process writes (the version bump follows at commit)."""
        with self._cache_lock:
            self._cache = {}
            self._cache_version = None

    def _run(self, statement: Executable, params: Sequence[dict[str, Any]] | None = None) -> int:
        self._forget()
        pin: _Pin | None = getattr(self._local, "pin", None)
        if pin is not None:
            pin.version = None  # this thread's own write: its next read asks for the version again
        with self._connection() as connection:
            result = connection.execute(statement, list(params)) if params else connection.execute(statement)
            return int(result.rowcount or 0)

    def _insert(self, table: Any) -> Any:
        """INSERT … ON CONFLICT in the dialect at hand (both SQLite and PostgreSQL spell it alike)."""
        return (sqlite_insert if is_sqlite(self.url) else pg_insert)(table)

    # -- metadata ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = first(self._read("SELECT value FROM meta WHERE key = ?", (key,)))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        statement = self._insert(meta).values(key=key, value=value)
        self._run(statement.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))

    def delete_meta(self, key: str) -> None:
        self._run(delete(meta).where(meta.c.key == key))

    def bump_version(self) -> int:
        version = self._stored_version() + 1
        self.set_meta("index_version", str(version))
        return version

    @property
    def version(self) -> int:
        pin: _Pin | None = getattr(self._local, "pin", None)
        if pin is None or getattr(self._local, "connection", None) is not None:
            return self._stored_version()
        if pin.version is None:
            pin.version = self._stored_version()
        return pin.version

    def _stored_version(self) -> int:
        return int(self.get_meta("index_version") or 0)

    # -- documents --------------------------------------------------------------------------------
    def put_document(
        self, document: Document, text: str, chunks: list[Chunk], fingerprint: bytes | None
    ) -> None:
        """Insert or replace a document and all its chunks (call inside `transaction()`)."""
        with self.transaction():
            self._run(delete(chunk_table).where(chunk_table.c.document_id == document.id))
            self._run(
                delete(document_table).where(
                    (document_table.c.id == document.id) | (document_table.c.source == document.source)
                )
            )
            self._run(
                insert(document_table).values(
                    id=document.id,
                    source=document.source,
                    title=document.title,
                    type=document.type.value,
                    content_hash=document.content_hash,
                    text=text,
                    date=iso(document.date),
                    publisher=document.publisher,
                    region=document.region,
                    law=document.law,
                    version_state=iso(document.version_state),
                    ingested_at=iso(document.ingested_at),
                    superseded_by=document.superseded_by,
                    extra=json.dumps(document.extra, ensure_ascii=False, default=str),
                    fingerprint=fingerprint,
                    collection=document.collection,
                )
            )
            rows = [
                {
                    "id": c.id,
                    "document_id": c.document_id,
                    "ordinal": c.ordinal,
                    "text": c.text,
                    "section": c.section,
                    "paragraph": c.paragraph,
                    "absaetze": json.dumps(c.absaetze),
                    "chapter": c.chapter,
                }
                for c in chunks
            ]
            if rows:
                self._run(insert(chunk_table), rows)

    def delete_document(self, document_id: str) -> list[str]:
        """Delete a document; returns its chunk ids (call inside `transaction()`)."""
        with self.transaction():
            chunk_ids = self.chunk_ids(document_id)
            self.set_superseded_where(document_id, None)
            self._run(delete(chunk_table).where(chunk_table.c.document_id == document_id))
            self._run(delete(document_table).where(document_table.c.id == document_id))
        return chunk_ids

    def set_superseded_where(self, superseded_by: str, replacement: str | None) -> None:
        """Every document superseded by `superseded_by` is superseded by `replacement` instead."""
        self._run(
            update(document_table)
            .where(document_table.c.superseded_by == superseded_by)
            .values(superseded_by=replacement)
        )

    def set_superseded(self, document_id: str, superseded_by: str | None) -> None:
        self._run(
            update(document_table)
            .where(document_table.c.id == document_id)
            .values(superseded_by=superseded_by)
        )

    def set_collection(self, document_id: str, collection: str) -> None:
        statement = update(document_table).where(document_table.c.id == document_id)
        self._run(statement.values(collection=collection))

    def _documents_where(self, column: str, value: str) -> list[Document]:
        rows = self._read(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE {column} = ?", (value,))  # ours
        return [document_from_row(row) for row in rows]

    def get_document(self, document_id: str) -> Document | None:
        found = self._per_version(("document", document_id), lambda: self._documents_where("id", document_id))
        return next(iter(found), None)

    def find_by_source(self, source: str) -> Document | None:
        return next(iter(self._documents_where("source", source)), None)

    def find_by_content_hash(self, content_hash: str) -> Document | None:
        return next(iter(self._documents_where("content_hash", content_hash)), None)

    def document_text(self, document_id: str) -> str | None:
        row = first(self._read("SELECT text FROM documents WHERE id = ?", (document_id,)))
        return None if row is None else str(row["text"])

    def documents(self) -> list[Document]:
        return list(self._per_version("documents", self._all_documents))

    def _all_documents(self) -> list[Document]:
        rows = self._read(f"SELECT {_DOCUMENT_COLUMNS} FROM documents ORDER BY type, source")  # ours
        return [document_from_row(row) for row in rows]

    def versions_of(self, law: str) -> list[Document]:
        return list(self._per_version(("law", law), lambda: self._documents_where("law", law)))

    def fingerprints(self) -> list[tuple[str, bytes]]:
        query = select(document_table.c.id, document_table.c.fingerprint).where(
            document_table.c.fingerprint.is_not(None)
        )
        return [(str(row["id"]), bytes(row["fingerprint"])) for row in self._rows(query)]

    # -- chunks -----------------------------------------------------------------------------------
    def chunk_ids(self, document_id: str) -> list[str]:
        query = (
            select(chunk_table.c.id)
            .where(chunk_table.c.document_id == document_id)
            .order_by(chunk_table.c.ordinal)
        )
        return [str(row["id"]) for row in self._rows(query)]

    def _chunks_where(self, where: str = "", params: Sequence[Any] = ()) -> list[Chunk]:
        rows = self._read(f"SELECT * FROM chunks {where} ORDER BY document_id, ordinal", params)
        return [chunk_from_row(row) for row in rows]

    def chunks_of(self, document_id: str) -> list[Chunk]:
        return self._chunks_where("WHERE document_id = ?", (document_id,))

    def paragraph_chunks(self, document_id: str, paragraph: str) -> list[Chunk]:
        """The chunks of one § of one document, in their order."""
        where = "WHERE document_id = ? AND paragraph = ?"
        key = ("paragraph", document_id, paragraph)
        return list(self._per_version(key, lambda: self._chunks_where(where, (document_id, paragraph))))

    def all_chunks(self) -> list[Chunk]:
        return self._chunks_where()

    def paragraphs(self) -> dict[str, frozenset[str]]:
        """law (or "" for documents without one) -> the "§ n" its chunks hold."""
        return dict(self._per_version("paragraphs", self._paragraphs))

    def _paragraphs(self) -> dict[str, frozenset[str]]:
        query = (
            select(func.coalesce(document_table.c.law, "").label("law"), chunk_table.c.paragraph)
            .distinct()
            .select_from(chunk_table.join(document_table, document_table.c.id == chunk_table.c.document_id))
            .where(chunk_table.c.paragraph.is_not(None))
        )
        result: dict[str, set[str]] = {}
        for row in self._rows(query):
            result.setdefault(str(row["law"]), set()).add(str(row["paragraph"]))
        return {law: frozenset(paragraphs) for law, paragraphs in result.items()}

    def chunk_owners(self) -> dict[str, str]:
        """chunk id -> document id for every live chunk (search filters on it)."""
        rows = self._read("SELECT id, document_id FROM chunks")
        return {str(row["id"]): str(row["document_id"]) for row in rows}

    def get_chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """The listed chunks among `chunk_ids`, by id. Every search reads its candidates' chunks here
        (~80 at a time): rows as tuples straight into `Chunk`s, half the time of a dict per row."""
        found: dict[str, Chunk] = {}
        for start in range(0, len(chunk_ids), _BATCH):
            batch = chunk_ids[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            _, rows = self._read_tuples(f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})", batch)
            for row in rows:
                chunk = chunk_from_values(row)
                found[chunk.id] = chunk
        return found

    def counts(self) -> dict[str, int]:
        with self._connection() as connection:
            documents = connection.execute(select(func.count()).select_from(document_table)).scalar_one()
            chunks = connection.execute(select(func.count()).select_from(chunk_table)).scalar_one()
        return {"documents": int(documents), "chunks": int(chunks)}

    def has_chunks(self) -> bool:
        """Whether any chunk is listed (every write asks: a count of 100k rows costs milliseconds)."""
        return bool(self._read("SELECT 1 AS found FROM chunks LIMIT 1"))

    def all_chunk_ids(self) -> list[str]:
        return [str(row["id"]) for row in self._rows(select(chunk_table.c.id))]

    def live_chunk_ids(self, chunk_ids: list[str]) -> set[str]:
        """The subset of `chunk_ids` the catalog lists."""
        found: set[str] = set()
        for start in range(0, len(chunk_ids), _BATCH):
            batch = chunk_ids[start : start + _BATCH]
            rows = self._rows(select(chunk_table.c.id).where(chunk_table.c.id.in_(batch)))
            found.update(str(row["id"]) for row in rows)
        return found

    def duplicate_chunks(self) -> int:
        """Chunks that share (document, ordinal) with another: a write that replaced nothing."""
        groups = (
            select(chunk_table.c.document_id)
            .group_by(chunk_table.c.document_id, chunk_table.c.ordinal)
            .having(func.count() > 1)
            .subquery()
        )
        with self._connection() as connection:
            return int(connection.execute(select(func.count()).select_from(groups)).scalar_one())

    # -- write journal ----------------------------------------------------------------------------
    def journal_add(self, kind: str, ids: list[str]) -> None:
        """Record ids a write may leave behind (commits by itself unless inside `transaction()`)."""
        if ids:
            statement = self._insert(write_journal).on_conflict_do_nothing()
            self._run(statement, [{"kind": kind, "id": i} for i in ids])

    def journal(self) -> dict[str, list[str]]:
        entries: dict[str, list[str]] = {}
        query = select(write_journal).order_by(write_journal.c.kind, write_journal.c.id)
        for row in self._rows(query):
            entries.setdefault(str(row["kind"]), []).append(str(row["id"]))
        return entries

    def journal_size(self) -> int:
        with self._connection() as connection:
            return int(connection.execute(select(func.count()).select_from(write_journal)).scalar_one())

    def journal_clear(self) -> None:
        self._run(delete(write_journal))

    def chunk_counts(self) -> dict[str, int]:
        query = select(chunk_table.c.document_id, func.count().label("n")).group_by(chunk_table.c.document_id)
        return {str(row["document_id"]): int(row["n"]) for row in self._rows(query)}


class _Pin:
    """The version a `pinned()` scope reads (None until a read needs it)."""

    __slots__ = ("version",)

    def __init__(self) -> None:
        self.version: int | None = None


def _immediate_transactions(engine: Engine, local: threading.local) -> None:
    """SQLAlchemy's recipe for SQLite transactions: the driver stops beginning them on its own, and
    every begin is explicit, IMMEDIATE inside `Catalog.transaction()`."""

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if getattr(local, "immediate", False) else "BEGIN")
