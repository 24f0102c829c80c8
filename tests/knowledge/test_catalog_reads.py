"""The catalog's read path on SQLite and PostgreSQL: rows kept per catalog version are read again after
another catalog's write, a pinned reader sees one version throughout, and a read survives a connection
the server dropped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.catalog import SqlCatalog as Catalog
from knowledge.models import Chunk, Document, DocumentType
from tests.databases import database_url, drop_connections


@pytest.fixture
def reader(catalog_url: str) -> Iterator[Catalog]:
    opened = Catalog(catalog_url)
    yield opened
    opened.close()


@pytest.fixture
def writer(catalog_url: str, reader: Catalog) -> Iterator[Catalog]:
    """A second catalog on the same database, as another worker or `python -m ingest` holds it."""
    opened = Catalog(catalog_url)
    yield opened
    opened.close()


def _put(catalog: Catalog, title: str, paragraphs: list[str]) -> None:
    document = Document(
        id="kkg",
        source="laws/kkg.md",
        title=title,
        type=DocumentType.LAW,
        content_hash=f"hash-{title}",
        law="KKG",
    )
    chunks = [
        Chunk(id=f"kkg-{title}-{i}", document_id="kkg", ordinal=i, text=f"{title} {p}", paragraph=p)
        for i, p in enumerate(paragraphs)
    ]
    with catalog.transaction():
        catalog.put_document(document, title, chunks, None)
        catalog.bump_version()


def _seen(catalog: Catalog) -> tuple[object, ...]:
    document = catalog.get_document("kkg")
    return (
        document.title if document else None,
        [d.title for d in catalog.documents()],
        [d.title for d in catalog.versions_of("KKG")],
        catalog.paragraphs(),
        [c.text for c in catalog.paragraph_chunks("kkg", "§ 2")],
    )


def test_rows_kept_per_version_are_read_again_after_another_catalogs_write(
    reader: Catalog, writer: Catalog
) -> None:
    _put(writer, "alt", ["§ 1", "§ 2"])
    old = ("alt", ["alt"], ["alt"], {"KKG": frozenset({"§ 1", "§ 2"})}, ["alt § 2"])
    assert _seen(reader) == old
    assert _seen(reader) == old  # the second time from the version's cache
    _put(writer, "neu", ["§ 2", "§ 3"])
    assert _seen(reader) == ("neu", ["neu"], ["neu"], {"KKG": frozenset({"§ 2", "§ 3"})}, ["neu § 2"])


def test_a_pinned_reader_sees_one_version_until_the_pin_ends(reader: Catalog, writer: Catalog) -> None:
    _put(writer, "alt", ["§ 2"])
    with reader.pinned():
        version = reader.version
        assert _seen(reader)[0] == "alt"
        _put(writer, "neu", ["§ 2"])
        with reader.pinned():  # a nested pin joins the outer one
            assert reader.version == version
            assert _seen(reader)[0] == "alt"
    assert reader.version == version + 1
    assert _seen(reader)[0] == "neu"


def test_a_pinned_thread_reads_its_own_write(reader: Catalog) -> None:
    _put(reader, "alt", ["§ 2"])
    with reader.pinned():
        version = reader.version
        assert _seen(reader)[0] == "alt"
        _put(reader, "neu", ["§ 2"])
        assert reader.version == version + 1
        assert _seen(reader)[0] == "neu"


def test_inside_a_transaction_reads_see_its_uncommitted_rows(reader: Catalog) -> None:
    _put(reader, "alt", ["§ 2"])
    assert _seen(reader)[0] == "alt"
    with reader.pinned(), pytest.raises(RuntimeError), reader.transaction():
        _put(reader, "neu", ["§ 2"])
        assert _seen(reader)[0] == "neu"
        raise RuntimeError("abgebrochen")
    assert _seen(reader)[0] == "alt"


@pytest.mark.postgres
def test_a_read_survives_connections_the_server_dropped(tmp_path: Path) -> None:
    url = next(database_url("postgresql", tmp_path))
    catalog = Catalog(url)
    try:
        _put(catalog, "alt", ["§ 2"])
        assert catalog.get_meta("index_version") == "1"  # a reader connection is in the pool now
        drop_connections()
        assert catalog.get_meta("index_version") == "1"
        assert catalog.version == 1
    finally:
        catalog.close()
