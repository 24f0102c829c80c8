"""What a search does after the rankings: candidates decayed and cut to k, their chunks read; named laws."""

from __future__ import annotations

import random

from knowledge.lexical import LexicalSnapshot
from knowledge.models import Chunk, Document, DocumentType
from knowledge.search import _REPEAT_DECAY, HybridSearcher, _SearchView


def _view_and_chunks(count: int) -> tuple[_SearchView, dict[str, Chunk]]:
    laws = [
        Document(f"law{n}", f"laws/{n}.md", f"Gesetz {n}", DocumentType.LAW, "h", law=f"G{n % 2}")
        for n in range(3)
    ]
    chunks = {
        f"c{n:03d}": Chunk(
            f"c{n:03d}",
            laws[n % 3].id,
            n,
            "Text",
            paragraph=f"§ {n % 7}" if n % 5 else None,
            section=f"Abschnitt {n % 4}",
        )
        for n in range(count)
    }
    documents = {document.id: document for document in laws}
    owners = {chunk_id: chunk.document_id for chunk_id, chunk in chunks.items()}
    view = _SearchView(1, documents, owners, LexicalSnapshot.empty(), (), True)
    return view, chunks


def _all_decayed(
    fused: dict[str, float], chunks: dict[str, Chunk], view: _SearchView
) -> list[tuple[str, float]]:
    """Every candidate decayed, as the search did before it read only the chunks it needs."""
    seen: dict[tuple[str, str | None], int] = {}
    decayed = []
    for chunk_id, score in sorted(fused.items(), key=lambda item: (-item[1], item[0])):
        if chunk_id not in chunks:
            continue
        chunk = chunks[chunk_id]
        document = view.documents[view.owners[chunk_id]]
        key = (document.law or document.id, chunk.paragraph or chunk.section)
        seen[key] = seen.get(key, 0) + 1
        decayed.append((chunk_id, score * _REPEAT_DECAY ** (seen[key] - 1)))
    return sorted(decayed, key=lambda item: (-item[1], item[0]))


def test_the_best_k_are_those_of_decaying_every_candidate_and_fewer_chunks_are_read() -> None:
    view, chunks = _view_and_chunks(120)
    rng = random.Random(3)
    present = {chunk_id: chunk for chunk_id, chunk in chunks.items() if chunk_id != "c007"}  # removed since
    read: list[str] = []

    def fetch(ids: list[str]) -> dict[str, Chunk]:
        read.extend(ids)
        return {chunk_id: present[chunk_id] for chunk_id in ids if chunk_id in present}

    for trial in range(200):
        # Ties included (every fourth trial rounds the scores); c007 was removed since the view was taken.
        fused = {
            chunk_id: float(rng.choice([1.0, 0.9, 0.8, 0.75, 0.5]) * rng.random() ** 0.2)
            for chunk_id in chunks
        }
        if trial % 4 == 0:
            fused = {chunk_id: round(score, 1) for chunk_id, score in fused.items()}
        for k in (1, 5, 10):
            read.clear()
            best, fetched = HybridSearcher._diversified(fused, fetch, view, k)
            assert best == _all_decayed(fused, present, view)[:k]
            assert all(chunk_id in fetched for chunk_id, _ in best)
            assert len(read) == len(set(read)) < len(fused)


def test_no_candidates_and_k_0_read_nothing() -> None:
    view, _ = _view_and_chunks(3)

    def fetch(ids: list[str]) -> dict[str, Chunk]:
        raise AssertionError(ids)

    assert HybridSearcher._diversified({}, fetch, view, 5) == ([], {})
    assert HybridSearcher._diversified({"c000": 1.0}, fetch, view, 0) == ([], {})


def test_documents_of_named_laws_in_the_order_of_the_view() -> None:
    view, _ = _view_and_chunks(3)  # law0 and law2 are of G0, law1 of G1
    assert view.documents_of(("G0",)) == ("law0", "law2")
    assert view.documents_of(("G1", "G0", "G1")) == ("law0", "law1", "law2")
    assert view.documents_of(("SGB II",)) == ()
