"""Hybrid search: dense and lexical (BM25) rankings fused by reciprocal rank fusion.

The dense side is Chroma with an embedding model, or without one the lexical snapshot's n-gram
channel (`knowledge.ngram_channel`), filtered by the same per-entry mask as the lexical side.
A query that names a paragraph or a law ("§ 8a", "Paragraf 42a", "im JuSchG") adds a third ranking:
the same dense search restricted to the named passages, so they surface even when their wording
differs from the question's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from knowledge.collections import admits as collection_admits
from knowledge.lexical import LexicalSnapshot
from knowledge.models import Chunk, Document, DocumentType, Hit
from knowledge.query import prepare
from knowledge.stores import VectorFilter
from knowledge.text.openthesaurus import OpenThesaurus
from knowledge.text.references import References
from knowledge.text.wordlist import GermanWordlist

if TYPE_CHECKING:
    from collections.abc import Callable

    from knowledge.embedders.base import Vectors
    from knowledge.index import KnowledgeIndex

# Reciprocal rank fusion (Cormack et al. 2009) with a smaller constant than the customary 60: our
# candidate lists are short (50) and their first places carry most of the signal. Re-measured on the
# dev split with the field-aware lexical side (`python -m evals run --retrieval-only`): k=10 and dense
# weight 0.5 stay best on the corpus (recall@1 0.806; weight 0.3: 0.798, 0.7: 0.798). The knowledge
# set would prefer 0.3 (recall@1 0.448 -> 0.621), the corpus is what the targets are set on.
_RRF_K = 10
_DENSE_WEIGHT = 0.5
_LEXICAL_WEIGHT = 1.0
_REFERENCE_WEIGHT = 2.0  # "§ 4 KKG" in the query outweighs any word match
_LAW_WEIGHT = 0.5  # "im JuSchG" narrows the field but says less about the passage
# Each further chunk of the same § (or prose section) keeps this share of its score, so that five
# Absätze of one long § do not push every other candidate out of the top five.
_REPEAT_DECAY = 0.8


@dataclass(frozen=True)
class SearchFilter:
    types: tuple[DocumentType, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    include_superseded: bool = True
    # The collections the reader may see (`knowledge.collections`); None: every collection.
    collections: frozenset[str] | None = None

    def admits(self, document: Document) -> bool:
        if not collection_admits(self.collections, document.collection):
            return False
        if self.types and document.type not in self.types:
            return False
        if not self.include_superseded and document.superseded_by:
            return False
        if self.date_from and (document.date is None or document.date < self.date_from):
            return False
        return not (self.date_to and (document.date is None or document.date > self.date_to))

    def vector_filter(self) -> VectorFilter | None:
        if self == SearchFilter():
            return None
        collections = None if self.collections is None else tuple(sorted(self.collections))
        return VectorFilter(
            self.types, self.date_from, self.date_to, self.include_superseded, collections=collections
        )


@dataclass(frozen=True, eq=False)
class _SearchView:
    """What one search reads, fixed at its start: a catalog state and one lexical snapshot, with the
    owner of every lexical entry computed from that very snapshot (so mask and scores always agree)."""

    catalog_version: int
    documents: dict[str, Document]
    owners: dict[str, str]
    lexical: LexicalSnapshot
    lexical_owner_ids: tuple[str | None, ...]
    # Every lexical entry is a live chunk: an unfiltered search needs no mask (computed once, not per query).
    lexical_all_live: bool

    @cached_property
    def paragraph_positions(self) -> dict[str, list[int]]:
        """ "§ n" -> the lexical entries of that paragraph (any law), for the n-gram channel's § ranking."""
        positions: dict[str, list[int]] = {}
        for position, paragraph in enumerate(self.lexical.paragraphs):
            if paragraph:
                positions.setdefault(paragraph, []).append(position)
        return positions

    @cached_property
    def _documents_by_law(self) -> dict[str, list[tuple[int, str]]]:
        """law -> (place among `documents`, id) of its documents, for the rankings of named laws."""
        by_law: dict[str, list[tuple[int, str]]] = {}
        for place, document in enumerate(self.documents.values()):
            if document.law is not None:
                by_law.setdefault(document.law, []).append((place, document.id))
        return by_law

    def documents_of(self, laws: tuple[str, ...]) -> tuple[str, ...]:
        """The ids of the documents of these laws, in the order of `documents` (a scan of all
        documents per search that names a law was ~0.3 ms at 100k chunks)."""
        found = [entry for law in dict.fromkeys(laws) for entry in self._documents_by_law.get(law, [])]
        return tuple(document_id for _place, document_id in sorted(found))

    @cached_property
    def document_positions(self) -> dict[str, list[int]]:
        """document id -> its lexical entries, for the n-gram channel's ranking of a named law."""
        positions: dict[str, list[int]] = {}
        for position, owner in enumerate(self.lexical_owner_ids):
            if owner is not None:
                positions.setdefault(owner, []).append(position)
        return positions


Ranking = list[tuple[str, float]]


class HybridSearcher:
    """Searches a `KnowledgeIndex`; reloads its view whenever another process changed the index."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self._index = index
        self._lock = threading.Lock()
        self._view: _SearchView | None = None
        self._general_thesaurus: OpenThesaurus | None = None
        self._thesaurus_opened = False

    def _thesaurus(self) -> OpenThesaurus | None:
        """OpenThesaurus when general synonyms are on (`JHA_SEARCH_GENERAL_SYNONYMS`), opened once."""
        settings = self._index.settings
        if not settings.search.general_synonyms:
            return None
        if not self._thesaurus_opened:
            with self._lock:
                if not self._thesaurus_opened:
                    self._general_thesaurus = OpenThesaurus.open(settings.search.openthesaurus_path)
                    self._thesaurus_opened = True
        return self._general_thesaurus

    def warm(self) -> None:
        """Read the view now (catalog documents, chunk owners: ~0.5 s at 100k chunks), and load what
        analysing a query loads on first use (the abbreviation table with its patterns, ~60 ms; the
        German word list of typo correction, ~0.1 s), so that the first search after opening does not
        pay for it."""
        view = self._current()
        prepare("", view.lexical)
        if view.lexical.vocabulary:
            GermanWordlist.load()

    def search(self, query: str, k: int, search_filter: SearchFilter) -> list[Hit]:
        view = self._current()  # this search reads this view and nothing else
        settings = self._index.settings
        prepared = prepare(
            query,
            view.lexical,
            self._thesaurus(),
            settings.search.synonym_weight,
            settings.search.expansion_weight,
        )
        candidates = max(settings.search.candidates, k * 4)
        embedder = self._index.vector_embedder
        vector = embedder.embed_query(prepared.text) if embedder is not None else None
        where = search_filter.vector_filter()
        mask = self._lexical_mask(view, search_filter)

        def dense(restriction: VectorFilter | None) -> Ranking:
            if vector is None:
                return view.lexical.similar(prepared.text, candidates, _restricted(view, mask, restriction))
            return self._dense(vector, candidates, restriction if restriction is not None else where)

        rankings: list[tuple[float, Ranking]] = [
            (_DENSE_WEIGHT, dense(None)),
            (
                _LEXICAL_WEIGHT,
                view.lexical.search(prepared.lexical_text, candidates, mask, prepared.extra_terms),
            ),
        ]
        references = prepared.references
        if references:
            weight, named = self._reference_ranking(dense, where, references, view)
            if named:  # a § the index does not hold must not lower every score through the ceiling
                rankings.append((weight, named))

        fused: dict[str, float] = {}
        admitted: dict[str, bool] = {}  # per document: the rankings share most of theirs
        for weight, ranking in rankings:
            for rank, (chunk_id, _score) in enumerate(ranking, start=1):
                owner = view.owners.get(chunk_id)
                if owner is None:
                    continue  # a leftover of an interrupted write
                admits = admitted.get(owner)
                if admits is None:
                    admits = admitted[owner] = search_filter.admits(view.documents[owner])
                if not admits:
                    continue  # filtered out
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (_RRF_K + rank)

        superseded_weight = self._index.settings.search.superseded_weight
        for chunk_id in fused:
            if view.documents[view.owners[chunk_id]].superseded_by:
                fused[chunk_id] *= superseded_weight

        best, chunks = self._diversified(fused, self._index.stores.catalog.get_chunks, view, k)
        ceiling = sum(weight for weight, _ in rankings) / (_RRF_K + 1)
        return [
            Hit(
                rank=rank,
                score=score / ceiling,
                chunk=chunks[chunk_id],
                document=view.documents[view.owners[chunk_id]],
            )
            for rank, (chunk_id, score) in enumerate(best, start=1)
            if chunk_id in chunks
        ]

    @staticmethod
    def _diversified(
        fused: dict[str, float], fetch: Callable[[list[str]], dict[str, Chunk]], view: _SearchView, k: int
    ) -> tuple[Ranking, dict[str, Chunk]]:
        """The best `k`, with repeats of a passage decayed (versions of one law count as one passage),
        and the chunks read for them.

        A decayed score is never above the score itself: once the next candidate in score order sorts
        after the k-th decayed one, no later candidate can enter. So the chunks are read in score
        order, batch by batch, up to there (mostly the first batch), not all ~100 candidates: reading
        and decoding the catalog rows of all of them was a sixth of a search at 100k chunks.
        """
        if k <= 0:
            return [], {}
        ordered = sorted(fused.items(), key=_best_first)
        chunks: dict[str, Chunk] = {}
        seen: dict[tuple[str, str | None], int] = {}
        decayed: Ranking = []
        position, batch = 0, 2 * k
        while position < len(ordered):
            if len(decayed) >= k and _best_first(ordered[position]) > _kth_best(decayed, k):
                break
            part = ordered[position : position + batch]
            position, batch = position + len(part), k
            chunks.update(fetch([chunk_id for chunk_id, _score in part]))
            for chunk_id, score in part:
                chunk = chunks.get(chunk_id)
                if chunk is None:
                    continue  # removed since the view was taken
                document = view.documents[view.owners[chunk_id]]
                key = (document.law or document.id, chunk.paragraph or chunk.section)
                repeats = seen.get(key, 0)
                seen[key] = repeats + 1
                decayed.append((chunk_id, score * _REPEAT_DECAY**repeats))
        return sorted(decayed, key=_best_first)[:k], chunks

    def _dense(self, vector: Vectors, candidates: int, where: VectorFilter | None) -> Ranking:
        assert self._index.stores.vectors is not None
        return sorted(self._index.stores.vectors.search(vector, candidates, where), key=_best_first)

    @staticmethod
    def _reference_ranking(
        dense: Callable[[VectorFilter | None], Ranking],
        where: VectorFilter | None,
        references: References,
        view: _SearchView,
    ) -> tuple[float, Ranking]:
        """The dense ranking restricted to the named paragraphs (of the named laws, if any)."""
        named: tuple[str, ...] | None = None
        if references.laws:
            named = view.documents_of(references.laws)
            if not named:
                return 0.0, []
        restricted = replace(
            where or VectorFilter(), document_ids=named, paragraphs=tuple(references.paragraphs)
        )
        weight = _REFERENCE_WEIGHT if references.paragraphs else _LAW_WEIGHT
        return weight, dense(restricted)

    def _current(self) -> _SearchView:
        """The view of the current catalog version and lexical snapshot; rebuilt when either changed."""
        lexical = self._index.stores.lexical.current()
        version = self._index.stores.catalog.version
        view = self._view
        if view is not None and view.catalog_version == version and view.lexical is lexical:
            return view
        with self._lock:
            view = self._view
            if view is None or view.catalog_version != version or view.lexical is not lexical:
                view = self._view = self._build_view(lexical)
            return view

    def _build_view(self, lexical: LexicalSnapshot) -> _SearchView:
        catalog = self._index.stores.catalog
        while True:
            version = catalog.version
            documents = {d.id: d for d in catalog.documents()}
            owners = catalog.chunk_owners()
            if catalog.version == version:  # no commit in between: documents and owners agree
                break
        lexical_owner_ids = tuple(owners.get(chunk_id) for chunk_id in lexical.chunk_ids)
        return _SearchView(version, documents, owners, lexical, lexical_owner_ids, all(lexical_owner_ids))

    @staticmethod
    def _lexical_mask(view: _SearchView, search_filter: SearchFilter) -> np.ndarray | None:
        """0/1 per lexical entry: 1 for live chunks of admitted documents."""
        if view.lexical_all_live and search_filter == SearchFilter():
            return None
        admitted = {doc_id for doc_id, doc in view.documents.items() if search_filter.admits(doc)}
        if len(admitted) == len(view.documents) and view.lexical_all_live:
            return None
        return np.array([owner in admitted for owner in view.lexical_owner_ids], dtype=np.float32)


def _kth_best(ranking: Ranking, k: int) -> tuple[float, str]:
    """The sort key of the k-th best entry of `ranking` (which holds at least k)."""
    return sorted(map(_best_first, ranking))[k - 1]


def _best_first(item: tuple[str, float]) -> tuple[float, str]:
    """Sort key: higher score first, equal scores by chunk id, so that ties (a § in two versions of a
    law, Chroma's order among equal distances) come out in the same order in every process."""
    return -item[1], item[0]


def _restricted(
    view: _SearchView, mask: np.ndarray | None, restriction: VectorFilter | None
) -> np.ndarray | None:
    """The lexical mask narrowed to the documents and paragraphs of a § ranking's restriction (which
    `_reference_ranking` builds on the search's own filter, already in `mask`)."""
    if restriction is None:
        return mask
    named = None if restriction.document_ids is None else set(restriction.document_ids)
    if restriction.paragraphs:
        positions = [p for name in restriction.paragraphs for p in view.paragraph_positions.get(name, [])]
        if named is not None:
            positions = [p for p in positions if view.lexical_owner_ids[p] in named]
    elif named is not None:
        positions = [p for doc_id in named for p in view.document_positions.get(doc_id, [])]
    else:
        return mask
    narrowed = np.zeros(len(view.lexical.chunk_ids), dtype=np.float32)
    narrowed[positions] = 1.0
    return narrowed if mask is None else narrowed * mask
