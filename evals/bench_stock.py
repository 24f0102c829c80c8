"""The stock alternatives the speed benchmark compares against, over exactly our chunks.

- `LangChain BM25Retriever` (rank_bm25, whitespace tokens): `BM25Retriever.from_texts(texts, k=10)`.
- Plain Chroma similarity search as a LangChain tutorial builds it: `langchain_chroma.Chroma` with
  Chroma's default collection settings, filled with `add_texts`, searched with `similarity_search`,
  and the same weight-free embedder as ours behind LangChain's `Embeddings` interface.

The texts are what our index embeds and indexes (`Chunk.context_text`), so the three systems search
the same passages with the same vectors; only the search machinery differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from knowledge.catalog import SqlCatalog
from knowledge.embedders.hashing import HashingEmbedder

COLLECTION = "stock"
ADD_BATCH = 5000


class HashingEmbeddings(Embeddings):
    """Our weight-free embedder behind LangChain's interface."""

    def __init__(self) -> None:
        self._embedder = HashingEmbedder()

    def embed_documents(self, texts: list[str]) -> Any:
        # A numpy array, not lists of floats: Chroma takes either, and 4096 Python floats per chunk
        # would make the build measure list conversion rather than Chroma.
        return self._embedder.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_query(text)]


def chunk_texts(catalog_path: Path) -> list[tuple[str, str, str]]:
    """`(chunk_id, document_id, context text)` of every chunk in a catalog."""
    catalog = SqlCatalog(catalog_path)
    try:
        titles = {d.id: d.title for d in catalog.documents()}
        return [
            (c.id, c.document_id, c.context_text(titles.get(c.document_id, ""))) for c in catalog.all_chunks()
        ]
    finally:
        catalog.close()


def bm25_retriever(texts: list[str], k: int = 10) -> Any:
    from langchain_community.retrievers import BM25Retriever

    return BM25Retriever.from_texts(texts, k=k)


def chroma_store(directory: Path) -> Any:
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    # Stock in everything but telemetry: nothing may leave the machine, not even from a benchmark.
    return Chroma(
        collection_name=COLLECTION,
        embedding_function=HashingEmbeddings(),
        persist_directory=str(directory),
        client_settings=ChromaSettings(anonymized_telemetry=False),
    )


def add_to_chroma(store: Any, rows: Iterable[tuple[str, str, str]]) -> int:
    """Add `(chunk_id, document_id, text)` rows in batches, as `add_texts` would be called."""
    batch: list[tuple[str, str, str]] = []
    added = 0
    for row in rows:
        batch.append(row)
        if len(batch) == ADD_BATCH:
            added += _add(store, batch)
            batch = []
    if batch:
        added += _add(store, batch)
    return added


def _add(store: Any, batch: list[tuple[str, str, str]]) -> int:
    store.add_texts(
        [text for _, _, text in batch],
        metadatas=[{"document_id": document_id} for _, document_id, _ in batch],
        ids=[chunk_id for chunk_id, _, _ in batch],
    )
    return len(batch)


def release_chroma() -> None:
    """Drop Chroma's per-path client cache, so that an index's memory goes when we are done with it."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
