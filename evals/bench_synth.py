"""Synthetic growth of a real index to a given number of chunks, for latency at scale.

The seed is `../shared/corpus` as the ingest pipeline indexed it. Copy 0 is the seed itself; every
further copy re-issues each seed document under its own id and source with its chunks lightly
perturbed: sentences shuffled, about one word in twelve replaced by a word of the corpus vocabulary,
a few dropped. Shuffling alone would not do: BM25 and the character-n-gram embedder both see a bag of
words, so only changed words change the statistics and the vectors. The structure (type, date, §,
Absätze, headings) stays, so filters, § references and version resolution do the same work as on real
documents. A copy's laws are named "SGB VIII ~3": the copy's two SGB VIII versions supersede each other
as the originals do, while a question naming "SGB VIII" still means the real law.

Everything is deterministic: the same seed and position always give the same piece, so two processes
(our index and the stock Chroma baseline) build the same chunks independently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from knowledge.catalog import SqlCatalog
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_WORD = re.compile(r"^[^\W\d_]{4,}$")
REPLACE_SHARE = 1 / 12
DROP_SHARE = 1 / 40


@dataclass(frozen=True)
class Piece:
    """One document as `KnowledgeIndex.put` takes it."""

    document: Document
    text: str
    chunks: tuple[Chunk, ...]

    def split(self, n: int) -> tuple[Piece, Piece]:
        """The first `n` chunks, and the rest as a document of its own."""
        rest_id = f"{self.document.id}-rest"
        # A law of its own: the rest of SGB VIII with the same "Stand" would supersede the first part.
        law = self.document.law
        rest_document = dataclasses.replace(
            self.document,
            id=rest_id,
            source=f"{self.document.source}#rest",
            law=f"{law} ~rest" if law else None,
        )
        rest_chunks = tuple(
            dataclasses.replace(c, id=f"{rest_id}:{m}", document_id=rest_id, ordinal=m)
            for m, c in enumerate(self.chunks[n:])
        )
        head, tail = self.chunks[:n], rest_chunks
        return (
            Piece(self.document, _joined(head), head),
            Piece(rest_document, _joined(tail), tail),
        )


@dataclass(frozen=True)
class Seed:
    pieces: tuple[Piece, ...]
    vocabulary: tuple[str, ...]

    @property
    def chunks(self) -> int:
        return sum(len(p.chunks) for p in self.pieces)


def load_seed(catalog_path: Path) -> Seed:
    """The documents and chunks of an indexed catalog, and the words they use."""
    catalog = SqlCatalog(catalog_path)
    try:
        pieces = tuple(
            Piece(
                dataclasses.replace(document, superseded_by=None),
                catalog.document_text(document.id) or "",
                tuple(catalog.chunks_of(document.id)),
            )
            for document in catalog.documents()
        )
    finally:
        catalog.close()
    return seed_of(pieces)


def seed_of(pieces: tuple[Piece, ...]) -> Seed:
    words = {w for p in pieces for c in p.chunks for w in c.text.split() if _WORD.match(w)}
    return Seed(pieces, tuple(sorted(words)))


def perturb(text: str, rng: random.Random, vocabulary: tuple[str, ...]) -> str:
    """Sentences shuffled, some words replaced by corpus words, a few dropped."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    rng.shuffle(sentences)
    result = []
    for word in " ".join(sentences).split():
        roll = rng.random()
        if roll < DROP_SHARE:
            continue
        result.append(rng.choice(vocabulary) if roll < DROP_SHARE + REPLACE_SHARE and vocabulary else word)
    return " ".join(result) or text


def copy_of(piece: Piece, copy: int, vocabulary: tuple[str, ...]) -> Piece:
    """Copy number `copy` (>= 1) of a seed document."""
    original = piece.document
    rng = random.Random(f"{copy}:{original.id}")
    doc_id = f"syn{copy:04d}-{original.id}"
    chunks = tuple(
        dataclasses.replace(
            c, id=f"{doc_id}:{c.ordinal}", document_id=doc_id, text=perturb(c.text, rng, vocabulary)
        )
        for c in piece.chunks
    )
    text = _joined(chunks)
    document = dataclasses.replace(
        original,
        id=doc_id,
        source=f"synthetic/{copy:04d}/{original.source}",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        law=f"{original.law} ~{copy}" if original.law else None,
        superseded_by=None,
    )
    return Piece(document, text, chunks)


def stream(seed: Seed) -> Iterator[Piece]:
    """The seed's documents, then copy 1 of each, copy 2 of each, ... without end."""
    if not seed.chunks:
        raise ValueError("Der Ausgangsindex enthält keine Abschnitte.")
    yield from seed.pieces
    copy = 1
    while True:
        for piece in seed.pieces:
            if piece.chunks:
                yield copy_of(piece, copy, seed.vocabulary)
        copy += 1


class Grower:
    """Hands out the stream in portions of exactly `n` chunks (cutting a document where needed).

    >>> grower = Grower(seed)  # doctest: +SKIP
    >>> sum(len(p.chunks) for p in grower.take(1000))  # doctest: +SKIP
    1000
    """

    def __init__(self, seed: Seed) -> None:
        self._stream = stream(seed)
        self._pending: Piece | None = None

    def take(self, n: int) -> Iterator[Piece]:
        while n > 0:
            piece = self._pending or next(self._stream)
            self._pending = None
            if len(piece.chunks) > n:
                piece, self._pending = piece.split(n)
            n -= len(piece.chunks)
            yield piece

    def skip(self, n: int) -> None:
        for _piece in self.take(n):
            pass


def grow(index: KnowledgeIndex, pieces: Iterator[Piece]) -> tuple[int, int]:
    """Put every piece the way ingest does (lexical index rebuilt once, by the caller)."""
    documents = chunks = 0
    for piece in pieces:
        index.put(piece.document, piece.text, list(piece.chunks), rebuild_lexical=False)
        documents += 1
        chunks += len(piece.chunks)
    return documents, chunks


def _joined(chunks: tuple[Chunk, ...]) -> str:
    return "\n\n".join(c.text for c in chunks)
