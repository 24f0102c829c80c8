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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

# The matrix-vector kernel behind scipy's sparse products (private, there since scipy 0.14), called
# on one posting list at a time: `y += A @ x` without building a matrix.
from scipy.sparse._sparsetools import csc_matvec as _accumulate
from sklearn.feature_extraction.text import HashingVectorizer

from knowledge.token_ids import Vocabulary

# Tuned on the dev split of the corpus questions (`python -m evals run --retrieval-only`, recall@5,
# all with idf weights): 4-6-grams of the words 0.984; of the stemmed tokens with compound parts
# 0.968, as 3-5-grams 0.960 (stems and parts are what BM25 already matches; the words add a view).
NGRAM_RANGE = (4, 6)
_FEATURES = 2**20  # hashed n-gram space: collisions rare among a corpus's few hundred thousand n-grams
# Weighted by sublinear term frequency alone, like the hashed vectors it replaces (dev MRR 0.881): with
# idf weights 0.864; without the n-grams in more than 10 % of the chunks recall@5 0.976 instead of 0.992.
# Pruning costs recall too (dev, corpus recall@1 / MRR, unpruned 0.806 / 0.881): the 400 n-grams of a
# chunk with the highest tf-idf kept 0.710 / 0.814, the 400 of the highest tf 0.774 / 0.855, n-grams in
# more than 30 % of the chunks dropped 0.790 / 0.870. So every n-gram stays; the postings are made small
# instead (5 bytes each) and memory-mapped.
SCORING = f"char{NGRAM_RANGE[0]}-{NGRAM_RANGE[1]}-h{_FEATURES}-tf"
# The on-disk layout too: a snapshot of another layout is rebuilt (`knowledge.lexical_store`).
PARAMETERS = f"{SCORING}-u8-tails"
_MAX_COUNT = 255  # a count stored as one byte; log1p(255) against log1p(300): the same weight to 3 %
# The weight of a count of 1, exactly as log1p gives it for the byte: three postings in four hold it.
_ONE = np.log1p(np.ones(1, dtype=np.uint8), dtype=np.float32)[0]

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

    A posting is the chunk as an int32; the weight log1p(count) / |chunk| is put together at query
    time from the n-gram's count in the chunk and the chunk's inverse norm. Within an n-gram's list
    the chunks that hold it once come first (`ones` of them), then the others, each part in chunk
    order: three postings in four have the count 1, so their weight is one constant (a query
    computes log1p only for the rest: a third of the CPU per query at 100k chunks went into log1p),
    and only the others' counts are stored, one byte each, list by list (`tail_counts`). About 4.25
    bytes a posting instead of 8 (float32 weight and int32 chunk): at 100k chunks of ~1,150 n-grams
    each 490 MB instead of 920 MB, loaded as memory maps, so that opening costs no read and several
    workers share one copy in the page cache. A chunk's sum still adds its n-grams in the query's
    order, so the scores are the same to the bit as with chunk-ordered lists.

    >>> channel = NgramChannel.build([["kindeswohlgefährdung"], ["elterngeld"]])
    >>> int(np.argmax(channel.scores(["gefährdung"])))
    0
    """

    indptr: np.ndarray  # per n-gram and one more: where its list starts in `indices`
    indices: np.ndarray  # int32 chunk of every posting, list by list
    ones: np.ndarray  # per n-gram, int32: how many of its postings (the first ones) have the count 1
    tail_indptr: np.ndarray  # per n-gram and one more: where its other counts start in `tail_counts`
    tail_counts: np.ndarray  # uint8 counts (2 … 255) of the postings after each list's first `ones`
    inverse_norms: np.ndarray  # per chunk, float32: 1 / L2 norm of its log1p(count) weights
    # The last query's words and scores: a search that names a § ranks the same text twice (all
    # chunks, then the named ones by a mask), and the second ranking needs no second pass.
    _last: list[tuple[tuple[str, ...], np.ndarray]] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def build(cls, words_per_chunk: Sequence[Sequence[str]]) -> NgramChannel:
        vocabulary = Vocabulary()
        (word_ids,) = vocabulary.dense(vocabulary.add(words_per_chunk))
        lengths = np.fromiter(map(len, words_per_chunk), dtype=np.int64, count=len(words_per_chunk))
        chunk_ids = np.repeat(np.arange(len(words_per_chunk), dtype=np.int64), lengths)
        shape = (len(words_per_chunk), max(len(vocabulary), 1))
        chunk_words = sp.csr_matrix((np.ones(word_ids.size, dtype=np.float32), (chunk_ids, word_ids)), shape)
        word_grams = (
            _VECTORIZER.transform(vocabulary.tokens()) if len(vocabulary) else sp.csr_matrix((1, _FEATURES))
        )
        counts = sp.csr_matrix(chunk_words @ word_grams, dtype=np.float32)
        del chunk_words, word_grams
        counts.sum_duplicates()
        # Every step below keeps one array of the postings' size beside the matrix at most: at 100k
        # chunks (113M postings) each float32 copy is 450 MB of the ingest's peak.
        counts.data = np.minimum(counts.data, _MAX_COUNT, out=counts.data).astype(np.uint8)
        squares = np.log1p(counts.data, dtype=np.float32)  # sublinear tf: long chunks do not drown
        np.square(squares, out=squares)
        norms = np.zeros(counts.shape[0], dtype=np.float64)
        filled = np.flatnonzero(np.diff(counts.indptr))
        if filled.size:  # reduceat sums from each start to the next: only rows that hold postings
            norms[filled] = np.add.reduceat(squares, counts.indptr[filled], dtype=np.float64)
        del squares
        norms = np.sqrt(norms)
        norms[norms == 0] = 1.0
        stacked, ones = _count_1_rows_first(counts)
        del counts
        transposed = stacked.T.tocsr()  # n-gram-major for queries
        del stacked
        postings = _folded(transposed, len(words_per_chunk))
        del transposed
        indptr = postings.indptr.astype(np.int64, copy=False)
        tail_indptr = indptr - np.concatenate(([0], np.cumsum(ones, dtype=np.int64)))
        return cls(
            indptr,
            postings.indices,
            ones,
            tail_indptr,
            _tails(postings.data),
            (1.0 / norms).astype(np.float32),
        )

    @property
    def size(self) -> int:
        return int(self.inverse_norms.size)

    @property
    def nnz(self) -> int:
        return int(self.indices.size)

    def scores(self, words: Sequence[str]) -> np.ndarray:
        """Cosine similarity of the query words' n-grams with every chunk (float32 per chunk, a new
        array the caller may change)."""
        key = tuple(words)
        last = self._last[-1] if self._last else None  # one read: other threads may replace it
        if last is not None and last[0] == key:
            return last[1].copy()
        scores = self._scores(words)
        self._last[:] = [(key, scores)]
        return scores.copy()

    def _scores(self, words: Sequence[str]) -> np.ndarray:
        grams, weights = _query_grams(words)
        size = self.size
        total = np.zeros(size, dtype=np.float32)
        # Plain arrays over the memory maps: slicing an np.memmap builds a memmap object each time.
        indices, counts = np.asarray(self.indices), np.asarray(self.tail_counts)
        starts, ends = np.asarray(self.indptr[grams]), np.asarray(self.indptr[grams + 1])
        middles = starts + self.ones[grams]
        tails = np.asarray(self.tail_indptr[grams])
        # Row n: the kernel's column pointers [0, length] for the n-th n-gram's list.
        pointers = np.zeros((grams.size, 2), dtype=indices.dtype)
        pointers[:, 1] = ends - starts
        # The weights of one list: the count-1 weight throughout, log1p of the other counts written
        # over its tail for that list and reset after it (one kernel call per n-gram).
        values = np.full(max(int(pointers[:, 1].max(initial=0)), 1), _ONE, dtype=np.float32)
        column = weights.reshape(-1, 1)
        # Posting list by posting list, straight from the memory maps: scipy's row selection copied
        # every posting of the query first (2.3M on average at 100k chunks, a third of the time).
        # Each chunk gets its n-grams' weights added in the query's order, as the product gave.
        bounds = zip(starts.tolist(), middles.tolist(), ends.tolist(), tails.tolist(), strict=True)
        for row, (start, middle, end, tail_start) in enumerate(bounds):
            if start == end:
                continue
            tail = values[middle - start : end - start]
            if middle < end:
                # log1p straight from the bytes: as fast as float32 weights would be (a table lookup
                # took twice as long), at 1 instead of 4 bytes a count.
                np.log1p(counts[tail_start : tail_start + end - middle], dtype=np.float32, out=tail)
            _accumulate(size, 1, pointers[row], indices[start:end], values, column[row], total)
            tail[:] = _ONE
        return total * self.inverse_norms

    def save(self, directory: Path) -> None:
        directory.mkdir()
        for name in _SAVED:
            np.save(directory / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, directory: Path) -> NgramChannel:
        """The saved channel as read-only memory maps: nothing is read until a query needs it."""
        mapped = {name: np.load(directory / f"{name}.npy", mmap_mode="r") for name in _SAVED}
        mapped["inverse_norms"] = np.array(mapped["inverse_norms"])  # read by every query whole
        return cls(**mapped)


_SAVED = ("indptr", "indices", "ones", "tail_indptr", "tail_counts", "inverse_norms")


_COPIED_AT_ONCE = 1 << 23  # postings per slice of `_count_1_rows_first` and `_tails`


def _tails(counts: np.ndarray) -> np.ndarray:
    """The counts other than 1, in order (slice by slice: no index of all postings is built)."""
    parts = [part[part != 1] for part in np.array_split(counts, max(1, -(-counts.size // _COPIED_AT_ONCE)))]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def _count_1_rows_first(counts: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """The chunk × n-gram counts as 2n rows, chunk d's count-1 entries in row d and its others in
    row n + d; and how many count-1 postings each n-gram has.

    A transpose lists every column's entries by row: so each n-gram then lists its count-1 chunks
    first and the others after, each part in chunk order, in one pass. Copied slice by slice, so
    that beside the counts only the stacked rows are of the postings' size (a boolean selection of
    all postings at once built an int64 index of them: 690 MB at 100k chunks).
    """
    chunks, size = counts.shape[0], counts.nnz
    is_one = counts.data == 1
    ones_per_chunk = np.zeros(chunks, dtype=np.int64)
    filled = np.flatnonzero(np.diff(counts.indptr))
    if filled.size:  # reduceat sums from each start to the next: only rows that hold postings
        ones_per_chunk[filled] = np.add.reduceat(is_one, counts.indptr[filled], dtype=np.int64)
    total_ones = int(ones_per_chunk.sum())
    indices = np.empty(size, dtype=counts.indices.dtype)
    data = np.empty(size, dtype=np.uint8)
    ones = np.zeros(_FEATURES, dtype=np.int64)
    one_at, other_at = 0, total_ones
    for start in range(0, size, _COPIED_AT_ONCE):
        stop = min(start + _COPIED_AT_ONCE, size)
        one, other = is_one[start:stop], ~is_one[start:stop]
        part_indices, part_data = counts.indices[start:stop], counts.data[start:stop]
        selected = part_indices[one]
        ones += np.bincount(selected, minlength=_FEATURES)
        indices[one_at : one_at + selected.size] = selected
        data[one_at : one_at + selected.size] = 1
        rest = stop - start - selected.size
        indices[other_at : other_at + rest] = part_indices[other]
        data[other_at : other_at + rest] = part_data[other]
        one_at, other_at = one_at + selected.size, other_at + rest
    others_per_chunk = np.diff(counts.indptr) - ones_per_chunk
    indptr = np.concatenate(([0], np.cumsum(ones_per_chunk), total_ones + np.cumsum(others_per_chunk)))
    stacked = sp.csr_matrix((data, indices, indptr), shape=(2 * chunks, _FEATURES), copy=False)
    return stacked, ones.astype(np.int32)


def _folded(transposed: sp.csr_matrix, chunks: int) -> sp.csr_matrix:
    """The n-gram × 2n transpose of `_count_1_rows_first` with rows n … 2n−1 mapped back onto the chunks."""
    indices = transposed.indices.astype(np.int32, copy=False)
    np.subtract(indices, chunks, out=indices, where=indices >= chunks)
    return sp.csr_matrix((transposed.data, indices, transposed.indptr), shape=(_FEATURES, chunks), copy=False)


def _query_grams(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The query's n-grams and their weights: sublinear tf, L2-normalised (float32)."""
    query = _VECTORIZER.transform([" ".join(words)])
    if not query.nnz:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    weights = np.log1p(query.data)
    weights /= np.float32(np.linalg.norm(weights))
    return query.indices, weights
