"""A data dir made by the previous version (raw sqlite3 catalog, web tables from `create_all`) opens with
this one, with every row; and with PostgreSQL configured the catalog lives in PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from assistant.log import AnswerLog, LogFilter
from knowledge.catalog import SqlCatalog as Catalog
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings
from tests.databases import postgres_url, reset_database
from tests.stacks import EMBEDDED_ONLY
from web.accounts import AccountStore
from web.db import open_engine

LEGACY = Path(__file__).parent / "legacy_data"  # made by `make_legacy.py` with the code of 9529723


def _alembic_versions(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        versions = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    engine.dispose()
    return versions


def test_a_data_dir_of_the_previous_version_keeps_every_row(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    shutil.copytree(LEGACY, data_dir, ignore=shutil.ignore_patterns("*.py"))
    # The previous version had SQLite files only: this data dir is embedded on either stack.
    settings = make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING, **EMBEDDED_ONLY)

    catalog = Catalog(settings.catalog_url)
    assert {d.id: d.superseded_by for d in catalog.documents()} == {
        "press-000-aced6ad7e3399f69-txt": None,
        "laws-2022-kkg-md": "laws-2026-kkg-md",
        "laws-2026-kkg-md": None,
    }
    assert catalog.counts() == {"documents": 3, "chunks": 20}
    assert catalog.version == 3 and catalog.get_meta("embedder_id") == "hashing-cw-char4-6-d4096"
    assert len(catalog.fingerprints()) == 3
    assert catalog.paragraphs()["KKG"] >= {"§ 1", "§ 4"}
    # c002: every document in `allgemein`; its vectors learn it at the next write (journaled, not embedded).
    assert {d.collection for d in catalog.documents()} == {"allgemein"}
    assert sorted(catalog.journal()["metadata"]) == sorted(d.id for d in catalog.documents())
    catalog.close()
    assert _alembic_versions(settings.catalog_url) == {"c002"}

    log = AnswerLog(settings.effective_database_url)
    [entry] = log.list(LogFilter())
    assert entry.question and "KKG" in entry.question
    assert [r.verdict for r in entry.reviews] == ["korrekt"] and entry.feedback[0].helpful is True
    assert log.audit_trail()[0].action == "review"
    log.close()

    engine = open_engine(settings.effective_database_url)
    assert AccountStore(engine).authenticate("leitung", "ein-langes-testpasswort") is not None
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM web_sessions")).scalar_one() == 1
        assert connection.execute(text("SELECT COUNT(*) FROM web_login_failures")).scalar_one() == 2
    engine.dispose()
    assert _alembic_versions(settings.effective_database_url) == {"0006"}

    # The index over the migrated catalog searches as before (Chroma and BM25 rebuilt from the catalog).
    index = KnowledgeIndex.open(settings)
    index.reindex()
    assert index.search("Beratung und Übermittlung von Informationen durch Geheimnisträger", k=3)
    index.close()


@pytest.fixture
def postgres() -> Iterator[str]:
    url = postgres_url()
    reset_database(url)
    yield url
    reset_database(url)


@pytest.mark.postgres
def test_with_postgresql_the_catalog_and_every_table_live_there(
    postgres: str, tmp_path: Path, corpus: Path
) -> None:
    from ingest.pipeline import IngestPipeline

    settings = make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING, database_url=postgres)
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([corpus / "laws" / "2022" / "kkg.md"])
    assert not report.failed
    assert index.search("Beratung durch Berufsgeheimnisträger", k=3)[0].document.law == "KKG"
    index.close()
    AnswerLog(settings.effective_database_url).close()
    open_engine(settings.effective_database_url).dispose()

    assert not (settings.index_dir / "catalog.sqlite3").exists()
    engine = create_engine(postgres)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables >= {"documents", "chunks", "meta", "write_journal", "answers", "feedback", "reviews",
                      "audit", "web_users", "web_sessions", "web_login_failures", "web_conversations",
                      "web_conversation_turns", "web_api_keys", "web_user_collections",
                      "web_oidc_identities"}  # fmt: skip
    assert _alembic_versions(postgres) == {"c002", "0006"}


@pytest.mark.postgres
def test_a_sqlite_catalog_moves_into_postgresql_whole(postgres: str, tmp_path: Path) -> None:
    from knowledge.catalog_copy import CatalogNotEmpty, copy_catalog

    shutil.copytree(LEGACY, tmp_path / "var", ignore=shutil.ignore_patterns("*.py"))
    source = f"sqlite:///{tmp_path / 'var' / 'index' / 'catalog.sqlite3'}"
    assert copy_catalog(source, postgres) == 3
    moved = Catalog(postgres)
    assert moved.get_document("laws-2022-kkg-md").superseded_by == "laws-2026-kkg-md"  # type: ignore[union-attr]
    assert moved.counts() == {"documents": 3, "chunks": 20} and moved.version == 3
    assert len(moved.fingerprints()) == 3 and moved.chunks_of("laws-2026-kkg-md")[0].absaetze is not None
    moved.close()
    with pytest.raises(CatalogNotEmpty):
        copy_catalog(source, postgres)
