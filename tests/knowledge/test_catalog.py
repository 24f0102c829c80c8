"""The catalog on SQLite and PostgreSQL: documents, versions, the write journal, transactions, and two
processes migrating one fresh database at once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from knowledge.catalog import SqlCatalog as Catalog
from knowledge.models import Chunk, Document, DocumentType
from tests.conftest import PROJECT


@pytest.fixture
def catalog(catalog_url: str) -> Iterator[Catalog]:
    opened = Catalog(catalog_url)
    yield opened
    opened.close()


def _document(doc_id: str, *, law: str | None = None, state: date | None = None) -> Document:
    return Document(
        id=doc_id,
        source=f"laws/{doc_id}.md",
        title=f"Titel {doc_id}",
        type=DocumentType.LAW if law else DocumentType.PRESS_RELEASE,
        content_hash=f"hash-{doc_id}",
        law=law,
        version_state=state,
        extra={"stand": "Änderung"},
    )


def _chunks(doc_id: str, n: int, paragraph: str | None = "§ 1") -> list[Chunk]:
    return [
        Chunk(
            id=f"{doc_id}-{i}",
            document_id=doc_id,
            ordinal=i,
            text=f"Text {i} über Kinderschutz",
            section=f"{paragraph} Abschnitt" if paragraph else None,
            paragraph=paragraph,
            absaetze=("1", "2"),
        )
        for i in range(n)
    ]


def test_documents_chunks_and_versions_round_trip(catalog: Catalog) -> None:
    with catalog.transaction():
        catalog.put_document(
            _document("old", law="KKG", state=date(2022, 1, 1)), "alt", _chunks("old", 3), b"f1"
        )
        catalog.put_document(
            _document("new", law="KKG", state=date(2026, 1, 1)), "neu", _chunks("new", 2), None
        )
        catalog.set_superseded("old", "new")
        catalog.bump_version()
    old = catalog.get_document("old")
    assert old is not None and old.superseded_by == "new" and old.version_state == date(2022, 1, 1)
    assert old.extra == {"stand": "Änderung"}
    assert catalog.document_text("new") == "neu"
    assert [d.id for d in catalog.versions_of("KKG")] and catalog.find_by_source("laws/new.md") is not None
    assert catalog.find_by_content_hash("hash-old") == old
    assert catalog.fingerprints() == [("old", b"f1")]
    assert catalog.chunk_ids("old") == ["old-0", "old-1", "old-2"]
    assert catalog.chunks_of("old")[1].absaetze == ("1", "2")
    assert catalog.paragraphs() == {"KKG": frozenset({"§ 1"})}
    assert set(catalog.get_chunks(["old-1", "new-0", "gibt-es-nicht"])) == {"old-1", "new-0"}
    assert catalog.counts() == {"documents": 2, "chunks": 5} and catalog.has_chunks()
    assert catalog.chunk_counts() == {"old": 3, "new": 2}
    assert catalog.duplicate_chunks() == 0
    assert catalog.version == 1

    # Replacing by source removes the old row and its chunks; removing clears the supersession.
    with catalog.transaction():
        catalog.put_document(_document("new", law="KKG"), "neu 2", _chunks("new", 1), None)
        assert catalog.delete_document("new") == ["new-0"]
    assert catalog.get_document("old").superseded_by is None  # type: ignore[union-attr]
    assert catalog.counts() == {"documents": 1, "chunks": 3}
    with catalog.transaction():
        catalog.delete_document("old")
    assert not catalog.has_chunks()


def test_a_failed_transaction_changes_nothing(catalog: Catalog) -> None:
    catalog.put_document(_document("a"), "a", _chunks("a", 2), None)
    with pytest.raises(RuntimeError), catalog.transaction():
        catalog.delete_document("a")
        catalog.bump_version()
        raise RuntimeError("abgebrochen")
    assert catalog.counts() == {"documents": 1, "chunks": 2}
    assert catalog.version == 0


def test_write_journal_and_meta(catalog: Catalog) -> None:
    catalog.journal_add("vector", ["c2", "c1", "c1"])
    with catalog.transaction():
        catalog.journal_add("metadata", ["d1"])
    assert catalog.journal() == {"metadata": ["d1"], "vector": ["c1", "c2"]}
    assert catalog.journal_size() == 3
    catalog.journal_clear()
    assert catalog.journal() == {}
    catalog.set_meta("embedder_id", "a")
    catalog.set_meta("embedder_id", "b")
    assert catalog.get_meta("embedder_id") == "b"
    catalog.delete_meta("embedder_id")
    assert catalog.get_meta("embedder_id") is None


_OPEN = "import sys; from knowledge.catalog import SqlCatalog; SqlCatalog(sys.argv[1]).close()"


def test_two_processes_migrate_a_fresh_database_once(catalog_url: str) -> None:
    """Two workers starting at once: one migrates under the lock, the other finds nothing to do."""
    processes = [
        subprocess.Popen([sys.executable, "-c", _OPEN, catalog_url], cwd=PROJECT, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], errors
    engine = create_engine(catalog_url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert versions == ["c002"]


def test_opening_a_migrated_catalog_again_only_reads(catalog_url: str) -> None:
    """A second worker, `doctor` or `ingest list` opens a database that is already at the newest
    revision: nothing is written and no migration lock is taken."""
    from sqlalchemy import event

    from knowledge.database import CATALOG, migrate, open_database, sqlite_path

    Catalog(catalog_url).close()
    file = sqlite_path(catalog_url) if catalog_url.startswith("sqlite") else None
    lock = file.with_name(f"{file.name}.migrate.lock") if file else None
    if lock:
        lock.unlink()
    engine = open_database(catalog_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, sql, *_a: statements.append(sql))
    try:
        migrate(engine, (CATALOG,))
    finally:
        engine.dispose()
    assert statements, "the revision check must read alembic_version"
    writes = [s for s in statements if not s.lstrip().upper().startswith(("SELECT", "PRAGMA"))]
    assert writes == []
    assert not any("advisory" in s for s in statements)
    assert lock is None or not lock.exists()


def test_get_chunks_reads_the_same_chunks_as_chunks_of(catalog: Catalog) -> None:
    # The search's tuple path against the row-by-name path: every field, with and without Absätze,
    # outside a transaction and inside one (another connection on both backends).
    with catalog.transaction():
        catalog.put_document(_document("law", law="KKG"), "text", _chunks("law", 3), None)
        catalog.put_document(_document("prose"), "text", _chunks("prose", 2, paragraph=None), None)
        catalog.bump_version()
    no_absaetze = Chunk(id="bare-0", document_id="bare", ordinal=0, text="ohne Absatz")
    with catalog.transaction():
        catalog.put_document(_document("bare"), "ohne Absatz", [no_absaetze], None)
        inside = catalog.get_chunks(["bare-0", "law-1"])
    expected = {c.id: c for d in ("law", "prose", "bare") for c in catalog.chunks_of(d)}
    assert catalog.get_chunks(list(expected)) == expected
    assert inside == {"bare-0": no_absaetze, "law-1": expected["law-1"]}
    assert expected["law-1"].absaetze == ("1", "2") and expected["prose-0"].section is None
