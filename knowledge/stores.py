"""The three stores of the index behind small protocols, and the factories that pick an implementation.

`KnowledgeIndex` is their only user outside this package's own modules: callers ask the index
(`document()`, `chunks()`, `counts()`, `version`, `term_weights()` …), never a store. Each protocol has
an embedded implementation beside the index directory and a server one selected by settings (the
catalog in PostgreSQL; Chroma's HTTP server where `vector_store.py` offers it). Heavy libraries are
imported inside the factories, so importing this module costs nothing.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from knowledge.models import Chunk, Document, DocumentType

if TYPE_CHECKING:
    from knowledge.embedders.base import Embedder, Vectors
    from knowledge.lexical import LexicalSnapshot
    from knowledge.lexical_store import EntrySource
    from knowledge.settings import Settings


# What a vector store keeps beside each vector (`knowledge.vector_store.vector_metadata`): flat scalars,
# the only values Chroma's metadata accepts.
VectorMetadata = dict[str, str | int | float | bool]


@dataclass(frozen=True)
class VectorFilter:
    """What a vector search may return, in the core's terms; each adapter translates it to its own
    dialect (Chroma's `where`: `knowledge.vector_store.chroma_where`)."""

    types: tuple[DocumentType, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    include_superseded: bool = True
    document_ids: tuple[str, ...] | None = None  # None: any document
    paragraphs: tuple[str, ...] = ()  # "§ n"; empty: any chunk
    collections: tuple[str, ...] | None = None  # None: every collection; empty: none


class Catalog(Protocol):
    """Which documents and chunks are live; the atomic switch of the index (`knowledge.catalog`)."""

    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def delete_meta(self, key: str) -> None: ...
    def bump_version(self) -> int: ...
    @property
    def version(self) -> int: ...
    def put_document(
        self, document: Document, text: str, chunks: list[Chunk], fingerprint: bytes | None
    ) -> None: ...
    def delete_document(self, document_id: str) -> list[str]: ...
    def set_superseded(self, document_id: str, superseded_by: str | None) -> None: ...
    def set_collection(self, document_id: str, collection: str) -> None: ...
    def get_document(self, document_id: str) -> Document | None: ...
    def find_by_source(self, source: str) -> Document | None: ...
    def find_by_content_hash(self, content_hash: str) -> Document | None: ...
    def document_text(self, document_id: str) -> str | None: ...
    def documents(self) -> list[Document]: ...
    def versions_of(self, law: str) -> list[Document]: ...
    def fingerprints(self) -> list[tuple[str, bytes]]: ...
    def chunk_ids(self, document_id: str) -> list[str]: ...
    def chunks_of(self, document_id: str) -> list[Chunk]: ...
    def paragraph_chunks(self, document_id: str, paragraph: str) -> list[Chunk]: ...
    def all_chunks(self) -> list[Chunk]: ...
    def paragraphs(self) -> dict[str, frozenset[str]]: ...
    def chunk_owners(self) -> dict[str, str]: ...
    def get_chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]: ...
    def counts(self) -> dict[str, int]: ...
    def chunk_counts(self) -> dict[str, int]: ...
    def all_chunk_ids(self) -> list[str]: ...
    def live_chunk_ids(self, chunk_ids: list[str]) -> set[str]: ...
    def duplicate_chunks(self) -> int: ...
    def journal_add(self, kind: str, ids: list[str]) -> None: ...
    def journal(self) -> dict[str, list[str]]: ...
    def journal_size(self) -> int: ...
    def journal_clear(self) -> None: ...


class VectorStore(Protocol):
    """Vectors with a little metadata per chunk, searched by cosine similarity (`knowledge.vector_store`)."""

    def count(self) -> int: ...
    def upsert(self, ids: list[str], vectors: Vectors, metadatas: list[VectorMetadata]) -> None: ...
    def update_metadata(self, ids: list[str], metadatas: list[VectorMetadata]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def all_ids(self) -> list[str]: ...
    def metadata_of(self, ids: list[str]) -> dict[str, VectorMetadata]: ...
    def search(
        self, vector: Vectors, k: int, where: VectorFilter | None = None
    ) -> list[tuple[str, float]]: ...
    def reset(self) -> None: ...
    def reopen(self) -> None: ...  # read other processes' writes (embedded Chroma; a server: nothing)
    def close(self) -> None: ...


class LexicalIndex(Protocol):
    """Immutable BM25F snapshots, rebuilt whole and swapped in (`knowledge.lexical_store`)."""

    def current(self) -> LexicalSnapshot: ...
    def latest(self) -> LexicalSnapshot: ...
    def on_disk_version(self) -> int | None: ...
    def rebuild(self, source: EntrySource) -> LexicalSnapshot: ...
    def build_unpublished(self, source: EntrySource) -> LexicalSnapshot: ...  # readers never write


@dataclass(frozen=True)
class IndexStores:
    """The stores one `KnowledgeIndex` keeps in step. Outside `knowledge/` only tests that damage a
    store on purpose (repair, kill -9) reach for them.

    `vectors` is None in the weight-free mode: its similarity channel is part of the lexical snapshot
    (`knowledge.ngram_channel`), embedded or with a Chroma server alike, so Chroma is not opened."""

    catalog: Catalog
    vectors: VectorStore | None
    lexical: LexicalIndex

    def close(self) -> None:
        if self.vectors is not None:
            self.vectors.close()
        self.catalog.close()


def open_catalog(settings: Settings) -> Catalog:
    """SQLite beside the index by default; the PostgreSQL of `JHA_DATABASE_URL` when one is set."""
    from knowledge.catalog import SqlCatalog

    return SqlCatalog(settings.catalog_url)


def open_vector_store(settings: Settings) -> VectorStore:
    from knowledge.vector_store import ChromaVectorStore

    return ChromaVectorStore(settings.chroma_dir, settings.chroma.url, settings.chroma.collection)


def open_lexical_index(settings: Settings, *, ngrams: bool = False) -> LexicalIndex:
    from knowledge.lexical_store import SnapshotLexicalIndex

    return SnapshotLexicalIndex(settings.index_dir / "lexical", ngrams=ngrams)


def open_stores(settings: Settings, embedder: Embedder) -> IndexStores:
    """Every store of the index, as the settings and the embedder select them: Chroma for an embedding
    model, the lexical snapshot's n-gram channel instead in the weight-free mode."""
    from knowledge.embedders.base import VectorEmbedder

    if isinstance(embedder, VectorEmbedder):
        return IndexStores(open_catalog(settings), open_vector_store(settings), open_lexical_index(settings))
    return IndexStores(open_catalog(settings), None, open_lexical_index(settings, ngrams=True))
