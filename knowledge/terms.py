"""The words and name-like phrases of the indexed documents, kept beside the catalog.

The assistant's storage filter keeps a word of a question when the knowledge base uses it ("Verfahrens-
lotse", "KJSG"), and the case-data gate treats a person named in an indexed document (an official quoted
in a press release) as public. Both need the documents' vocabulary without reading every chunk per
question, so `KnowledgeIndex.put`/`remove` keep this small SQLite file in step, one set of terms per
document: lower-cased words, and runs of two to four capitalised words ("Landrätin Astrid
Klinkert-Kittel") for the gate to pick names from. It records the catalog version it matches; a file
that lags behind (written by an older version, or a crash between the two writes) is rebuilt on open.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from knowledge.models import Document
    from knowledge.stores import Catalog

log = logging.getLogger(__name__)

WORD = "word"
PHRASE = "phrase"

_WORDS = regex.compile(r"[\p{L}\p{M}]+")
_CAPITALISED = r"\p{Lu}[\p{L}\p{M}'’]*(?:-\p{Lu}[\p{L}\p{M}'’]*)*"
_PHRASES = regex.compile(rf"(?<![\p{{L}}-]){_CAPITALISED}(?:[ \t]+{_CAPITALISED}){{1,3}}(?![\p{{L}}-])")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS terms (
    document_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (document_id, kind, term)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS terms_kind ON terms (kind, term);
CREATE TABLE IF NOT EXISTS recent_terms (
    document_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (document_id, kind, term)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


# Rows of recently written documents are kept in `recent_terms` (no second index: a document's rows
# are one contiguous run of its key) and moved into `terms` in one sorted insert once there are this
# many: inserted document by document, each document's few thousand terms landed all over the
# (kind, term) index and rewrote a page per term (24.9 GB written for 100k chunks). Moved together, a
# term shared by many documents costs one page. Readers read both tables, so a reader never sees the
# difference; a reader scans about this many rows of `recent_terms` at most.
MERGE_ROWS = 100_000


def document_terms(text: str) -> dict[str, set[str]]:
    """The lower-cased words and the capitalised phrases of one document's text."""
    return {
        WORD: {word.lower() for word in _WORDS.findall(text) if len(word) > 1},
        PHRASE: {" ".join(match.split()) for match in _PHRASES.findall(text)},
    }


class TermIndex:
    """>>> terms = TermIndex(Path("var/index/terms.sqlite3"))  # doctest: +SKIP
    >>> "verfahrenslotse" in terms.terms(WORD)  # doctest: +SKIP
    True
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode = WAL")
        # No fsync per commit: a commit lost to a power cut leaves the file a version behind the
        # catalog, and a lagging file is rebuilt (see `CatalogTerms`); WAL keeps it consistent.
        self._db.execute("PRAGMA synchronous = NORMAL")
        # Checkpoint less often: a page many documents changed is copied into the file once.
        self._db.execute("PRAGMA wal_autocheckpoint = 20000")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        self._db.close()

    def synced_version(self) -> int | None:
        """The catalog version these terms belong to; None when nothing was ever written."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'catalog_version'").fetchone()
        return None if row is None else int(row[0])

    def replace(self, document_id: str, text: str, version: int, *, also_remove: str | None = None) -> None:
        """The terms of one (new or changed) document; `also_remove` is the id it replaces, if another."""
        self._write([document_id, also_remove], [(document_id, text)], version)

    def remove(self, document_id: str, version: int) -> None:
        self._write([document_id], [], version)

    def rebuild(self, documents: Iterable[tuple[str, str]], version: int) -> None:
        """All terms anew from (document id, text) pairs."""
        with self._transaction():
            self._db.execute("DELETE FROM terms")
            self._db.execute("DELETE FROM recent_terms")
            for document_id, text in documents:
                self._insert(document_id, text, "terms")
            self._set_version(version)

    def mark_synced(self, version: int) -> None:
        """The catalog changed its version without changing any text (re-embedding)."""
        with self._lock:
            self._set_version(version)

    def terms(self, kind: str) -> frozenset[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT term FROM terms WHERE kind = ? UNION SELECT term FROM recent_terms WHERE kind = ?",
                (kind, kind),
            ).fetchall()
        return frozenset(row[0] for row in rows)

    def _write(self, remove: list[str | None], add: list[tuple[str, str]], version: int) -> None:
        with self._transaction():
            for document_id in filter(None, remove):
                self._db.execute("DELETE FROM terms WHERE document_id = ?", (document_id,))
                self._db.execute("DELETE FROM recent_terms WHERE document_id = ?", (document_id,))
            for document_id, text in add:
                self._insert(document_id, text, "recent_terms")
            if self._db.execute("SELECT count(*) FROM recent_terms").fetchone()[0] >= MERGE_ROWS:
                self._merge_recent()
            self._set_version(version)

    def _merge_recent(self) -> None:
        """Move the recent documents' rows into `terms`, in the order of the (kind, term) index."""
        self._db.execute(
            "INSERT OR IGNORE INTO terms (document_id, kind, term)"
            " SELECT document_id, kind, term FROM recent_terms ORDER BY kind, term, document_id"
        )
        self._db.execute("DELETE FROM recent_terms")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _insert(self, document_id: str, text: str, table: str) -> None:
        rows = [
            (document_id, kind, term)
            for kind, terms in document_terms(text).items()
            for term in sorted(terms)
        ]
        insert = f"INSERT OR IGNORE INTO {table} (document_id, kind, term) VALUES (?, ?, ?)"  # ours
        self._db.executemany(insert, rows)

    def _set_version(self, version: int) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('catalog_version', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(version),),
        )


class CatalogTerms:
    """The term index kept in step with a catalog: `KnowledgeIndex` calls it after each catalog write.

    A file that lags behind the catalog (written by an older version, or a crash between the two
    writes) is rebuilt from the catalog's document texts by the next write (opening never writes).
    Readers get the terms as sets, read once per catalog version.
    """

    def __init__(self, path: Path, catalog: Catalog) -> None:
        self.catalog = catalog
        self.index = TermIndex(path)
        self._cache: tuple[int, dict[str, frozenset[str]]] | None = None

    def rebuild_if_stale(self) -> None:
        """Called by writers (opening never writes): terms a killed writer left behind are redone."""
        if self.catalog.version > 0 and self.index.synced_version() != self.catalog.version:
            log.info("Wortschatz der Wissensbasis ist nicht aktuell; er wird neu aufgebaut.")
            self.rebuild()

    def close(self) -> None:
        self.index.close()

    def document_changed(self, document: Document, text: str, replaced: str | None = None) -> None:
        self.index.replace(
            document.id, f"{document.title}\n{text}", self.catalog.version, also_remove=replaced
        )

    def document_removed(self, document_id: str) -> None:
        self.index.remove(document_id, self.catalog.version)

    def texts_unchanged(self) -> None:
        """The catalog moved to a new version without changing any text (re-embedding)."""
        self.index.mark_synced(self.catalog.version)

    def rebuild(self) -> None:
        documents = self.catalog.documents()
        pairs = ((d.id, f"{d.title}\n{self.catalog.document_text(d.id) or ''}") for d in documents)
        self.index.rebuild(pairs, self.catalog.version)

    def terms(self, kind: str) -> frozenset[str]:
        version = self.catalog.version
        if self._cache is None or self._cache[0] != version:
            if version > 0 and self.index.synced_version() != version:
                # A lagging file is redone by the next writer; until then a reader computes the terms
                # from the catalog in memory (the storage filter must not lose the knowledge base's words).
                self._cache = (version, self._from_catalog())
            else:
                self._cache = (version, {k: self.index.terms(k) for k in (WORD, PHRASE)})
        return self._cache[1][kind]

    def _from_catalog(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {WORD: set(), PHRASE: set()}
        for document in self.catalog.documents():
            text = f"{document.title}\n{self.catalog.document_text(document.id) or ''}"
            for kind, terms in document_terms(text).items():
                found[kind] |= terms
        return {kind: frozenset(terms) for kind, terms in found.items()}
