"""The two stacks the suite runs on: `pytest` (embedded: Chroma on disk, SQLite) and `pytest --stack=server`
(one `chroma run` on a free loopback port for the session, a fresh PostgreSQL database and a Chroma
collection of their own for every test, both dropped after it).

On the server stack every test runs with `JHA_CHROMA_URL`, `JHA_CHROMA_COLLECTION` and `JHA_DATABASE_URL`
set, so settings built in the test and the processes it starts use the server stack as a deployment
would; fixtures that outlive a test (a module's web server) take a place of their own (`module_stack`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.server_stack import ChromaServer, RunDatabase, database_server_url, unique_collection
from knowledge.catalog_copy import copy_catalog
from knowledge.database import APP, CATALOG, migrate, open_database
from knowledge.settings import Settings
from knowledge.vector_store import ChromaVectorStore

EMBEDDED = "embedded"
SERVER = "server"
# The embedded index the session builds once; a test copies it into its own stack.
EMBEDDED_ONLY: dict[str, Any] = {"chroma_url": None, "chroma_collection": "chunks", "database_url": None}
_PAGE = 2000


@dataclass
class StackPlace:
    """A test's share of the server stack: its database and its collection."""

    database: RunDatabase
    chroma_url: str
    collection: str

    @property
    def overrides(self) -> dict[str, str]:
        return {
            "chroma_url": self.chroma_url,
            "chroma_collection": self.collection,
            "database_url": self.database.url,
        }

    @property
    def environment(self) -> dict[str, str]:
        return {f"JHA_{name.upper()}": value for name, value in self.overrides.items()}


class ServerStack:
    """`chroma run` and the test PostgreSQL server (`JHA_TEST_DATABASE_URL`) for one session. Starting
    fails loudly (no skip) when either is unavailable: the server pass must not pass by running nothing."""

    def __init__(self, directory: Path) -> None:
        self._database_server = database_server_url()
        # Every table migrated once; a test's database is a copy (0.2 s, migrating takes seconds).
        self._template = RunDatabase(self._database_server)
        engine = open_database(self._template.url)
        migrate(engine, (CATALOG, APP))
        engine.dispose()
        self.chroma = ChromaServer(directory)

    def place(self) -> StackPlace:
        database = RunDatabase(self._database_server, template=self._template.name)
        return StackPlace(database, self.chroma.url, unique_collection())

    def release(self, place: StackPlace) -> None:
        place.database.drop()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        url = self.chroma.url.rsplit(":", 1)
        client = chromadb.HttpClient(
            host="127.0.0.1", port=int(url[1]), settings=ChromaSettings(anonymized_telemetry=False)
        )
        if place.collection in {collection.name for collection in client.list_collections()}:
            client.delete_collection(place.collection)

    def stop(self) -> None:
        self.chroma.stop()
        self._template.drop()


def copy_index(source: Path, settings: Settings) -> None:
    """Copy an embedded data dir to `settings.data_dir` and its index into the settings' stack: the
    catalog into their database, the vectors into their Chroma server (the lexical files are copied)."""
    shutil.copytree(source, settings.data_dir)
    copied_catalog = f"sqlite:///{(settings.index_dir / 'catalog.sqlite3').resolve()}"
    if settings.catalog_url != copied_catalog:
        copy_catalog(copied_catalog, settings.catalog_url)
    if settings.chroma.url:
        _copy_vectors(settings)


def _copy_vectors(settings: Settings) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    embedded = chromadb.PersistentClient(
        path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    target = ChromaVectorStore(settings.chroma_dir, settings.chroma.url, settings.chroma.collection)
    try:
        source = embedded.get_collection(EMBEDDED_ONLY["chroma_collection"], embedding_function=None)
        for offset in range(0, source.count(), _PAGE):
            page = source.get(include=["embeddings", "metadatas"], limit=_PAGE, offset=offset)
            target.upsert(page["ids"], page["embeddings"], page["metadatas"])
    finally:
        embedded.close()
        target.close()
