"""The weight-free similarity channel: character n-grams of the content words in a sparse inverted index.

Without an embedding model the "dense" side of the hybrid search used to be 4096-dim hashed n-gram
vectors in Chroma's HNSW graph: 16 KB per chunk, 1.6 GB of vectors at 100k chunks, loaded whole before
the first query, and a graph insert per chunk (159 chunks/s). The same signal (n-grams survive German
compounds and inflection: "Kindeswohlgefährdung" shares most of its n-grams with "Gefährdung des
Kindeswohls") fits a sparse matrix: only the n-grams a chunk holds are stored, a query adds up the
postings of its own n-grams, exactly (no approximate graph).

The n-grams are taken from the words the lexical index already split off (lower-cased, stop words
removed; a query respelled first), so building costs one sparse product: chunk × word counts times
word × n-gram counts of the distinct words. The channel lives in the lexical snapshot
(`knowledge.lexical`) and is published, loaded and swapped with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

# Tuned on the dev split of the corpus questions (`python -m evals run --retrieval-only`, recall@5,
# all with idf weights): 4-6-grams of the words 0.984; of the stemmed tokens with compound parts
# 0.968, as 3-5-grams 0.960 (stems and parts are what BM25 already matches; the words add a view).
NGRAM_RANGE = (4, 6)
_FEATURES = 2**20  # hashed n-gram space: collisions rare among a corpus's few hundred thousand n-grams
# Weighted by sublinear term frequency alone, like the hashed vectors it replaces (dev MRR 0.881): with
# idf weights 0.864; without the n-grams in more than 10 % of the chunks recall@5 0.976 instead of 0.992.
PARAMETERS = f"char{NGRAM_RANGE[0]}-{NGRAM_RANGE[1]}-h{_FEATURES}-tf"

_VECTORIZER = HashingVectorizer(
    analyzer="char_wb",  # n-grams within a word, padded with a space: word starts and ends count
    ngram_range=NGRAM_RANGE,
    n_features=_FEATURES,
    alternate_sign=False,
    lowercase=False,  # the words are lower-cased already
    norm=None,
    dtype=np.float32,
)


@dataclass(frozen=True, eq=False)
class NgramChannel:
    """Sublinear-tf weighted, L2-normalised n-gram rows of the chunks, stored n-gram-major (CSR over
    n-grams) so that a query reads only the postings of its own n-grams.

    >>> channel = NgramChannel.build([["kindeswohlgefährdung"], ["elterngeld"]])
    >>> int(np.argmax(channel.scores(["gefährdung"])))
    0
    """

    postings: sp.csr_matrix  # n-gram × chunk, float32 weights

    @classmethod
    def build(cls, words_per_chunk: Sequence[Sequence[str]]) -> NgramChannel:
        vocabulary: dict[str, int] = {}
        word_ids = np.fromiter(
            (vocabulary.setdefault(t, len(vocabulary)) for chunk in words_per_chunk for t in chunk),
            dtype=np.int64,
        )
        lengths = np.fromiter((len(t) for t in words_per_chunk), dtype=np.int64, count=len(words_per_chunk))
        chunk_ids = np.repeat(np.arange(len(words_per_chunk), dtype=np.int64), lengths)
        shape = (len(words_per_chunk), max(len(vocabulary), 1))
        chunk_words = sp.csr_matrix((np.ones(word_ids.size, dtype=np.float32), (chunk_ids, word_ids)), shape)
        word_grams = _VECTORIZER.transform(list(vocabulary)) if vocabulary else sp.csr_matrix((1, _FEATURES))
        counts = sp.csr_matrix(chunk_words @ word_grams, dtype=np.float32)
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)  # sublinear tf: long chunks do not drown in repeats
        # Normalised in place: at 10k chunks each copy of the matrix is ~60 MB of the ingest's peak.
        row_of = np.repeat(np.arange(counts.shape[0], dtype=np.int32), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(row_of, weights=counts.data**2, minlength=counts.shape[0]))
        norms[norms == 0] = 1.0
        counts.data /= norms[row_of].astype(np.float32)
        del row_of
        postings = counts.T.tocsr()  # the one copy: n-gram-major for queries
        postings.indices = postings.indices.astype(np.int32)
        return cls(postings)

    @property
    def size(self) -> int:
        return int(self.postings.shape[1])

    def scores(self, words: Sequence[str]) -> np.ndarray:
        """Cosine similarity of the query words' n-grams with every chunk (float32 per chunk)."""
        query = _VECTORIZER.transform([" ".join(words)])
        if not query.nnz:
            return np.zeros(self.size, dtype=np.float32)
        weights = np.log1p(query.data)
        weights /= np.float32(np.linalg.norm(weights))
        return np.asarray(self.postings[query.indices].T @ weights, dtype=np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir()
        np.save(directory / "data.npy", self.postings.data)
        np.save(directory / "indices.npy", self.postings.indices)
        np.save(directory / "indptr.npy", self.postings.indptr)
        (directory / "chunks").write_text(str(self.size), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> NgramChannel:
        chunks = int((directory / "chunks").read_text(encoding="utf-8"))
        postings = sp.csr_matrix(
            (
                np.load(directory / "data.npy"),
                np.load(directory / "indices.npy"),
                np.load(directory / "indptr.npy"),
            ),
            shape=(_FEATURES, chunks),
        )
        return cls(postings)
