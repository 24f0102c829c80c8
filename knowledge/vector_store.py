"""The Chroma adapter: the only module that talks to Chroma."""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import numpy as np

from knowledge.embedders.base import Vectors
from knowledge.models import Chunk, Document
from knowledge.stores import VectorFilter, VectorMetadata
from knowledge.version_watch import SharedExclusive

_COLLECTION = "chunks"
_BATCH = 2000
_T = TypeVar("_T")
_READ_RETRIES = 2
_SERVER_RETRY_SECONDS = 0.05


def vector_metadata(document: Document, chunk: Chunk) -> VectorMetadata:
    """What Chroma stores beside a chunk's vector, so that search filters run inside Chroma."""
    return {
        "document_id": document.id,
        "type": document.type.value,
        "date": int(document.date.strftime("%Y%m%d")) if document.date else 0,
        "superseded": document.superseded_by is not None,
        "paragraph": chunk.paragraph or "",
        "collection": document.collection,
    }


def chroma_where(search_filter: VectorFilter | None) -> dict[str, Any] | None:
    """The filter in Chroma's `where` dialect (over the fields `vector_metadata` writes)."""
    if search_filter is None:
        return None
    clauses: list[dict[str, Any]] = []
    if search_filter.types:
        clauses.append({"type": {"$in": [t.value for t in search_filter.types]}})
    if not search_filter.include_superseded:
        clauses.append({"superseded": False})
    if search_filter.date_from:
        clauses.append({"date": {"$gte": int(search_filter.date_from.strftime("%Y%m%d"))}})
    if search_filter.date_to:
        clauses.append({"date": {"$lte": int(search_filter.date_to.strftime("%Y%m%d"))}})
    if search_filter.document_ids is not None:
        clauses.append({"document_id": {"$in": list(search_filter.document_ids)}})
    if search_filter.paragraphs:
        clauses.append({"paragraph": {"$in": list(search_filter.paragraphs)}})
    if search_filter.collections is not None:
        # Vectors written before collections existed carry none and match no restricted search until
        # `python -m ingest repair` (or any write) syncs their metadata: fail closed.
        clauses.append({"collection": {"$in": sorted(search_filter.collections)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def separate_duplicates(ids: list[str], vectors: Vectors, seen: set[bytes]) -> Vectors:
    """Nudge vectors that repeat one already written in this document by 1e-4 of their length.

    Chroma's HNSW (hnswlib) degrades badly on exact duplicates: 600 identical 4096-dim vectors took
    25.9 s to insert, 600 random ones 1.3 s, 600 near-identical ones 0.7 s. A document that repeats a
    paragraph a thousand times (or pages that differ only in their number) must not cost minutes. The
    nudge is seeded by the chunk id and changes a cosine similarity by less than 1e-4.
    """
    result = np.asarray(vectors, dtype=np.float32)
    for row, chunk_id in enumerate(ids):
        key = result[row].tobytes()
        if key not in seen:
            seen.add(key)
            continue
        seed = int.from_bytes(hashlib.blake2b(chunk_id.encode(), digest_size=8).digest(), "little")
        noise = np.random.default_rng(seed).standard_normal(size=(result.shape[1],), dtype=np.float32)
        length = float(np.linalg.norm(result[row])) or 1.0
        nudged = result[row] + (1e-4 * length / float(np.linalg.norm(noise))) * noise
        result[row] = nudged / (float(np.linalg.norm(nudged)) or 1.0)
        seen.add(result[row].tobytes())
    return result


def _shared(method: Callable[..., _T]) -> Callable[..., _T]:
    """Run under the store's shared lock: `reopen` waits for it and holds it exclusively."""

    @functools.wraps(method)
    def guarded(self: ChromaVectorStore, *args: Any, **kwargs: Any) -> _T:
        with self._guard.shared():
            return method(self, *args, **kwargs)

    return guarded


class ChromaVectorStore:
    """A Chroma collection fed with our own vectors (never Chroma's embedding function, whose default
    downloads a model), with anonymized telemetry switched off.

    Embedded (`PersistentClient` on `directory`) by default; with `url` ("http://host:port") the
    Chroma server (`chroma run --path DIR --host 127.0.0.1 --port P`), which every process reads and
    writes alike. Opening never writes: the collection is created by the first write.
    """

    def __init__(self, directory: Path, url: str | None = None, collection: str = _COLLECTION) -> None:
        self._directory = directory
        self.url = url
        self._name = collection
        # Searches share the client; `reopen` replaces it exclusively (no search sees a closed one).
        self._guard = SharedExclusive()
        self._client = self._connect()
        self._collection: Any = self._existing()

    @property
    def is_server(self) -> bool:
        return self.url is not None

    def _connect(self, *, create: bool = False) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        if self.url is not None:
            parsed = urlparse(self.url)
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        if not create and not (self._directory / "chroma.sqlite3").exists():
            return None  # nothing written yet: the first write creates the directory
        self._directory.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self._directory), settings=settings)

    def _existing(self) -> Any:
        if self._client is None:
            return None
        try:
            return self._client.get_collection(self._name, embedding_function=None)
        except Exception as exc:  # chromadb raises NotFoundError (server: a ValueError subclass or HTTP)
            if "does not exist" in str(exc) or "not found" in str(exc).lower():
                return None
            raise

    def _writable(self) -> Any:
        if self._collection is None:
            if self._client is None:
                self._client = self._connect(create=True)
            self._collection = self._open()
        return self._collection

    def _open(self) -> Any:
        # A wider HNSW search than Chroma's default finds the exact top 50 in ~99.9 % of queries
        # (default: ~98.6 %) at no measurable latency cost on indexes of this size.
        return self._client.get_or_create_collection(
            self._name,
            embedding_function=None,
            configuration={
                "hnsw": {"space": "cosine", "ef_construction": 200, "max_neighbors": 32, "ef_search": 200}
            },
        )

    def close(self) -> None:
        """Release Chroma's files (its SQLite and HNSW handles stay open until the client is closed;
        a process that opens many indexes, a test run or a long-lived server, would run out of them).
        Chroma counts its clients per path, so another store on the same directory keeps working."""
        with self._guard.exclusive():
            if self._client is not None:
                self._client.close()
            self._client = None
            self._collection = None

    def reopen(self) -> None:
        """Read another process's writes: the embedded client keeps its HNSW graph in memory (the
        server's clients see every write anyway). Waits for running searches, then swaps."""
        if self.is_server:
            return
        with self._guard.exclusive():
            if self._client is not None:
                self._client.close()
            self._client = self._connect()
            self._collection = self._existing()

    @_shared
    def count(self) -> int:
        return int(self._collection.count()) if self._collection is not None else 0

    @_shared
    def upsert(self, ids: list[str], vectors: Vectors, metadatas: list[VectorMetadata]) -> None:
        collection = self._writable()
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            collection.upsert(
                ids=ids[start:end],
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                metadatas=metadatas[start:end],
            )

    @_shared
    def update_metadata(self, ids: list[str], metadatas: list[VectorMetadata]) -> None:
        collection = self._writable()
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            collection.update(ids=ids[start:end], metadatas=metadatas[start:end])

    @_shared
    def delete(self, ids: list[str]) -> None:
        if self._collection is None:
            return
        for start in range(0, len(ids), _BATCH):
            self._collection.delete(ids=ids[start : start + _BATCH])

    @_shared
    def all_ids(self) -> list[str]:
        """Every stored id, read in pages so that 100k ids do not come back in one response."""
        ids: list[str] = []
        if self._collection is None:
            return ids
        while True:
            page = self._collection.get(include=[], limit=_BATCH * 5, offset=len(ids))["ids"]
            ids.extend(page)
            if len(page) < _BATCH * 5:
                return ids

    @_shared
    def metadata_of(self, ids: list[str]) -> dict[str, VectorMetadata]:
        found: dict[str, VectorMetadata] = {}
        if self._collection is None:
            return found
        for start in range(0, len(ids), _BATCH):
            result = self._collection.get(ids=ids[start : start + _BATCH], include=["metadatas"])
            for chunk_id, metadata in zip(result["ids"], result["metadatas"] or [], strict=False):
                found[chunk_id] = dict(metadata or {})
        return found

    def search(self, vector: Vectors, k: int, where: VectorFilter | None = None) -> list[tuple[str, float]]:
        """Top `k` `(chunk_id, cosine similarity)`.

        No `count()` first: it costs ~7 ms at 100k chunks, and Chroma returns fewer results by itself
        when the collection (or the filter) holds fewer than `k`.
        """
        for _retry in range(_READ_RETRIES):
            try:
                return self._search(vector, k, where)
            except Exception as exc:
                # Vectors deleted while the query ran ("Error finding id"). Embedded: this client loaded
                # the graph while another process deleted, and a fresh load reads the finished state. On
                # the server the graph and the metadata are updated one after the other, and the same
                # query a moment later reads both finished.
                if "Error finding id" not in str(exc):
                    raise
                if self.is_server:
                    time.sleep(_SERVER_RETRY_SECONDS)
                else:
                    self.reopen()
        return self._search(vector, k, where)

    @_shared
    def _search(self, vector: Vectors, k: int, where: VectorFilter | None) -> list[tuple[str, float]]:
        if self._collection is None or (where is not None and where.collections == ()):
            return []  # no collection granted: nothing to find (Chroma rejects an empty `$in`)
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=k,
            where=chroma_where(where),
            include=["distances"],
        )
        ids = result["ids"][0] if result["ids"] else []
        distances = (result.get("distances") or [[]])[0]
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(ids, distances, strict=True)]

    @_shared
    def reset(self) -> None:
        """Drop and recreate the collection (reindex with another embedder)."""
        if self._collection is not None:
            self._client.delete_collection(self._name)
            self._collection = None
        self._writable()
