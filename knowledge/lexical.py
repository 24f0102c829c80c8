"""The lexical index as one immutable snapshot: BM25 (bm25s) over German stems and compound parts.

A snapshot is built whole (`LexicalSnapshot.build`) or loaded whole (`knowledge.lexical_store`) and
never changed afterwards; a search takes one snapshot and uses only it, so a rebuild that swaps in
the next snapshot can never pair the scores of one index with the chunk ids of another.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import bm25s
import numpy as np

from knowledge.text.german import compound_parts, stems, words

log = logging.getLogger(__name__)

_MIN_VOCAB_WORD = 4
_MIN_COMPOUND = 8  # compound_parts never splits a shorter word

# bm25s sets its own logger to DEBUG on import, which would print every index build.
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass(frozen=True, eq=False)
class LexicalSnapshot:
    """BM25 over chunk texts as of one catalog `version`; `generation` names its directory on disk.

    >>> snapshot = LexicalSnapshot.build([("c1", "Schutzauftrag bei Kindeswohlgefährdung")], version=1)
    >>> snapshot.search("Gefährdung", k=1)[0][0]
    'c1'
    """

    version: int | None
    chunk_ids: tuple[str, ...]
    retriever: bm25s.BM25 | None
    vocabulary: frozenset[str]  # lower-cased corpus words (≥ 4 letters): the compound splitter's lexicon
    splits: Mapping[str, tuple[str, ...]]  # corpus word -> its compound parts (only words that split)
    generation: str = ""

    @classmethod
    def empty(cls) -> LexicalSnapshot:
        return cls(None, (), None, frozenset(), MappingProxyType({}))

    @classmethod
    def build(cls, entries: Iterable[tuple[str, str]], version: int, generation: str = "") -> LexicalSnapshot:
        """Index `(chunk_id, text)` pairs as of catalog `version`."""
        ids: list[str] = []
        tokenised: list[list[str]] = []
        for chunk_id, text in entries:
            ids.append(chunk_id)
            tokenised.append(words(text))
        vocabulary = frozenset(w for ws in tokenised for w in ws if len(w) >= _MIN_VOCAB_WORD)
        splits: dict[str, tuple[str, ...]] = {}
        for word in vocabulary:
            if len(word) >= _MIN_COMPOUND:
                parts = compound_parts(word, vocabulary)
                if len(parts) > 1:
                    splits[word] = tuple(parts)
        retriever = None
        if ids:
            # b=0.5 (less length normalisation than the usual 0.75): long legal paragraphs are not
            # less relevant for being long; measured neutral on the corpus, better on knowledge/.
            retriever = bm25s.BM25(b=0.5)
            corpus_tokens = [_stems_with_parts(ws, vocabulary, splits) for ws in tokenised]
            retriever.index(corpus_tokens, show_progress=False)
        return cls(version, tuple(ids), retriever, vocabulary, MappingProxyType(splits), generation)

    @property
    def size(self) -> int:
        return len(self.chunk_ids)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top `k` `(chunk_id, bm25 score)`; `allowed` is a 0/1 mask over `chunk_ids`."""
        if self.retriever is None or not self.chunk_ids:
            return []
        if allowed is not None and allowed.shape != (len(self.chunk_ids),):
            raise ValueError(f"Maske für {allowed.shape} Einträge, Index hat {len(self.chunk_ids)}")
        known = [t for t in self.query_tokens(query) if t in self.retriever.vocab_dict]
        if not known:
            return []
        scores = self.retriever.get_scores(known, weight_mask=allowed)
        # Most chunks score 0; ranking only the others avoids bm25s' argpartition over the whole
        # index, which is pathologically slow on mostly-zero arrays (13 ms at 100k chunks).
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ranked = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(self.chunk_ids[int(index)], float(scores[index])) for index in ranked]

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf per token; tokens the corpus never uses get the highest idf (they are the most
        telling sign that a question is about something the knowledge base does not cover)."""
        if self.retriever is None:
            return dict.fromkeys(tokens, 0.0)
        total = float(self.retriever.scores["num_docs"])
        indptr = self.retriever.scores["indptr"]
        vocab = self.retriever.vocab_dict
        result: dict[str, float] = {}
        for token in tokens:
            token_id = vocab.get(token)
            frequency = 0.0 if token_id is None else float(indptr[token_id + 1] - indptr[token_id])
            result[token] = float(np.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5)))
        return result

    def knows(self, token: str) -> bool:
        return self.retriever is not None and token in self.retriever.vocab_dict

    def query_tokens(self, query: str) -> list[str]:
        return _stems_with_parts(words(query), self.vocabulary, self.splits)


def _stems_with_parts(
    word_list: list[str], vocabulary: frozenset[str], splits: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """Stems of the words and of their compound parts; corpus words use the splits computed at build."""
    expanded: list[str] = []
    for word in word_list:
        expanded.append(word)
        parts = splits.get(word)
        if parts is None and vocabulary and len(word) >= _MIN_COMPOUND and word not in vocabulary:
            # A query word the corpus does not use: split it now (microseconds, nothing cached, so
            # the snapshot stays as it was loaded).
            found = compound_parts(word, vocabulary)
            parts = tuple(found) if len(found) > 1 else None
        if parts:
            expanded.extend(parts)
    return stems(expanded)
