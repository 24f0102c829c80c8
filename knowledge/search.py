"""Hybrid search: dense (Chroma) and lexical (BM25) rankings fused by reciprocal rank fusion."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge.models import Document, DocumentType, Hit
from knowledge.text.thesaurus import expand

if TYPE_CHECKING:
    from knowledge.index import KnowledgeIndex

# RRF constant from Cormack et al. (2009); 60 is the customary value and robust across corpora.
_RRF_K = 60
_DENSE_WEIGHT = 0.5
_LEXICAL_WEIGHT = 1.0


@dataclass(frozen=True)
class SearchFilter:
    types: tuple[DocumentType, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    include_superseded: bool = True

    def admits(self, document: Document) -> bool:
        if self.types and document.type not in self.types:
            return False
        if not self.include_superseded and document.superseded_by:
            return False
        if self.date_from and (document.date is None or document.date < self.date_from):
            return False
        return not (self.date_to and (document.date is None or document.date > self.date_to))

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.types:
            clauses.append({"type": {"$in": [t.value for t in self.types]}})
        if not self.include_superseded:
            clauses.append({"superseded": False})
        if self.date_from:
            clauses.append({"date": {"$gte": int(self.date_from.strftime("%Y%m%d"))}})
        if self.date_to:
            clauses.append({"date": {"$lte": int(self.date_to.strftime("%Y%m%d"))}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class _Snapshot:
    version: int
    documents: dict[str, Document]
    owners: dict[str, str]
    lexical_owner_ids: list[str | None]


class HybridSearcher:
    """Searches a `KnowledgeIndex`; reloads its view whenever another process changed the index."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self._index = index
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def search(self, query: str, k: int, search_filter: SearchFilter) -> list[Hit]:
        snapshot = self._current()
        expanded = expand(query)
        candidates = max(self._index.settings.search_candidates, k * 4)
        dense = self._index.vectors.search(
            self._index.embedder.embed_query(expanded), candidates, search_filter.chroma_where()
        )
        lexical = self._index.lexical.search(
            expanded, candidates, self._lexical_mask(snapshot, search_filter)
        )

        fused: dict[str, float] = {}
        for weight, ranking in ((_DENSE_WEIGHT, dense), (_LEXICAL_WEIGHT, lexical)):
            for rank, (chunk_id, _score) in enumerate(ranking, start=1):
                owner = snapshot.owners.get(chunk_id)
                if owner is None or not search_filter.admits(snapshot.documents[owner]):
                    continue  # a leftover of an interrupted write, or filtered out
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (_RRF_K + rank)

        superseded_weight = self._index.settings.superseded_weight
        for chunk_id in fused:
            if snapshot.documents[snapshot.owners[chunk_id]].superseded_by:
                fused[chunk_id] *= superseded_weight

        best = sorted(fused.items(), key=lambda item: item[1], reverse=True)[:k]
        chunks = self._index.catalog.get_chunks([chunk_id for chunk_id, _ in best])
        ceiling = (_DENSE_WEIGHT + _LEXICAL_WEIGHT) / (_RRF_K + 1)
        return [
            Hit(
                rank=rank,
                score=score / ceiling,
                chunk=chunks[chunk_id],
                document=snapshot.documents[snapshot.owners[chunk_id]],
            )
            for rank, (chunk_id, score) in enumerate(best, start=1)
            if chunk_id in chunks
        ]

    def _current(self) -> _Snapshot:
        version = self._index.catalog.version
        with self._lock:
            lexical = self._index.lexical
            if (
                self._snapshot is None
                or self._snapshot.version != version
                or lexical.on_disk_version() != lexical.version
            ):
                lexical.refresh()
                documents = {d.id: d for d in self._index.catalog.documents()}
                owners = self._index.catalog.chunk_owners()
                lexical_owner_ids = [owners.get(cid) for cid in self._index.lexical.chunk_ids]
                self._snapshot = _Snapshot(version, documents, owners, lexical_owner_ids)
            return self._snapshot

    @staticmethod
    def _lexical_mask(snapshot: _Snapshot, search_filter: SearchFilter) -> np.ndarray | None:
        """0/1 per lexical entry: 1 for live chunks of admitted documents."""
        admitted = {doc_id for doc_id, doc in snapshot.documents.items() if search_filter.admits(doc)}
        if len(admitted) == len(snapshot.documents) and all(snapshot.lexical_owner_ids):
            return None
        return np.array([owner in admitted for owner in snapshot.lexical_owner_ids], dtype=np.float32)
