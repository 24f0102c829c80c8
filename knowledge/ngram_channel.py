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

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

# The matrix-vector kernel behind scipy's sparse products (private, there since scipy 0.14), called
# on one posting list at a time: `y += A @ x` without building a matrix.
from scipy.sparse._sparsetools import csc_matvec as _accumulate
from sklearn.feature_extraction._hashing_fast import transform as _hash_features
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
# instead (4 bytes each, a byte per run of equal counts) and memory-mapped.
SCORING = f"char{NGRAM_RANGE[0]}-{NGRAM_RANGE[1]}-h{_FEATURES}-tf"
# The on-disk layout too: a snapshot of another layout is rebuilt (`knowledge.lexical_store`).
PARAMETERS = f"{SCORING}-u8-runs"
_MAX_COUNT = 255  # a count stored as one byte; log1p(255) against log1p(300): the same weight to 3 %

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
    the postings are grouped by count (1 first, then 2, 3 …), each group in chunk order, and only
    the groups ("runs") are stored: where each starts in the list and its count, one byte. A query
    then weighs a whole run at once: the kernel adds `1 · (query weight · log1p(count))` for each
    of its postings, which is the product it added before, so no posting needs a weight of its own
    (computing log1p for the half of a query's postings with counts above 1 was a quarter of its
    CPU at 100k chunks). About 4 bytes a posting: at 100k chunks of ~1,150 n-grams each under
    500 MB, loaded as memory maps, so that opening costs no read and several workers share one copy
    in the page cache. A chunk's sum still adds its n-grams in the query's order, so the scores are
    the same to the bit as with chunk-ordered lists and per-posting weights.

    >>> channel = NgramChannel.build([["kindeswohlgefährdung"], ["elterngeld"]])
    >>> int(np.argmax(channel.scores(["gefährdung"])))
    0
    """

    indptr: np.ndarray  # per n-gram and one more: where its list starts in `indices`
    indices: np.ndarray  # int32 chunk of every posting, list by list, run by run
    # Per n-gram and one more: where its runs start in `run_bounds` and `run_counts`. A list of r runs
    # has r + 1 bounds: 0, the start of each further run within the list, and the list's length.
    run_indptr: np.ndarray
    run_bounds: np.ndarray  # int32 offsets within the list (the kernel's column pointers)
    run_counts: np.ndarray  # uint8 count (1 … 255) of each run; 0 beside a list's last bound
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
        stacked = _count_1_rows_first(counts)
        del counts
        transposed = stacked.T.tocsr()  # n-gram-major for queries
        del stacked
        postings = _folded(transposed, len(words_per_chunk))
        del transposed
        _sort_others_by_count(postings)
        indptr = postings.indptr.astype(np.int64, copy=False)
        run_indptr, run_bounds, run_counts = _runs(indptr, postings.data)
        inverse_norms = (1.0 / norms).astype(np.float32)
        return cls(indptr, postings.indices, run_indptr, run_bounds, run_counts, inverse_norms)

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
        indices, bounds = np.asarray(self.indices), np.asarray(self.run_bounds)
        starts, ends = np.asarray(self.indptr[grams]), np.asarray(self.indptr[grams + 1])
        run_starts, run_ends = np.asarray(self.run_indptr[grams]), np.asarray(self.run_indptr[grams + 1])
        # Every run's weight for the whole query at once: query weight · log1p(count), float32, the
        # product the kernel formed per posting when the postings carried log1p(count) themselves.
        spans = run_ends - run_starts
        offsets = np.concatenate(([0], np.cumsum(spans)))
        taken = np.arange(int(offsets[-1]), dtype=np.int64) + np.repeat(run_starts - offsets[:-1], spans)
        run_weights = np.log1p(np.asarray(self.run_counts)[taken], dtype=np.float32)
        run_weights *= np.repeat(weights, spans)
        units = np.ones(max(int((ends - starts).max(initial=0)), 1), dtype=np.float32)
        # Posting list by posting list, straight from the memory maps (scipy's row selection copied
        # every posting of the query first); one kernel call a list, one column a run. Each chunk
        # gets its n-grams' weights added in the query's order, as the product gave.
        lists = zip(
            starts.tolist(),
            ends.tolist(),
            run_starts.tolist(),
            spans.tolist(),
            offsets[:-1].tolist(),
            strict=True,
        )
        for start, end, run_start, span, offset in lists:
            if start == end:
                continue
            columns = span - 1  # the last bound closes the last run
            _accumulate(
                size,
                columns,
                bounds[run_start : run_start + span],
                indices[start:end],
                units,
                run_weights[offset : offset + columns],
                total,
            )
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


_SAVED = ("indptr", "indices", "run_indptr", "run_bounds", "run_counts", "inverse_norms")


_COPIED_AT_ONCE = 1 << 23  # postings per slice of the passes over all postings below


def _count_1_rows_first(counts: sp.csr_matrix) -> sp.csr_matrix:
    """The chunk × n-gram counts as 2n rows, chunk d's count-1 entries in row d and its others in
    row n + d.

    A transpose lists every column's entries by row: so each n-gram then lists its count-1 chunks
    first and the others after, each part in chunk order, in one pass (`_sort_others_by_count`
    then orders only the others, a quarter of the postings). Copied slice by slice, so that beside
    the counts only the stacked rows are of the postings' size (a boolean selection of all postings
    at once built an int64 index of them: 690 MB at 100k chunks).
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
    one_at, other_at = 0, total_ones
    for start in range(0, size, _COPIED_AT_ONCE):
        stop = min(start + _COPIED_AT_ONCE, size)
        one, other = is_one[start:stop], ~is_one[start:stop]
        part_indices, part_data = counts.indices[start:stop], counts.data[start:stop]
        selected = part_indices[one]
        indices[one_at : one_at + selected.size] = selected
        data[one_at : one_at + selected.size] = 1
        rest = stop - start - selected.size
        indices[other_at : other_at + rest] = part_indices[other]
        data[other_at : other_at + rest] = part_data[other]
        one_at, other_at = one_at + selected.size, other_at + rest
    others_per_chunk = np.diff(counts.indptr) - ones_per_chunk
    indptr = np.concatenate(([0], np.cumsum(ones_per_chunk), total_ones + np.cumsum(others_per_chunk)))
    return sp.csr_matrix((data, indices, indptr), shape=(2 * chunks, _FEATURES), copy=False)


def _row_slices(indptr: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive row ranges of about `_COPIED_AT_ONCE` postings each (a longer row alone)."""
    cuts = np.searchsorted(indptr, np.arange(0, int(indptr[-1]), _COPIED_AT_ONCE), side="right") - 1
    rows = np.unique(np.concatenate((cuts, [indptr.size - 1]))).tolist()
    return list(itertools.pairwise(rows))


def _sort_others_by_count(postings: sp.csr_matrix) -> None:
    """Within each n-gram's list, the postings with counts above 1 (after its count-1 ones) ordered
    by count, chunk order kept among equal counts; in place, slice by slice."""
    indptr, indices, data = postings.indptr, postings.indices, postings.data
    for first, last in _row_slices(indptr):
        start, stop = int(indptr[first]), int(indptr[last])
        others = np.flatnonzero(data[start:stop] != 1)
        if not others.size:
            continue
        rows = np.searchsorted(indptr[first : last + 1], others + start, side="right") - 1
        # By row, then count; the sort is stable, so equal counts stay in chunk order.
        order = others[np.argsort(rows * (_MAX_COUNT + 1) + data[start:stop][others], kind="stable")]
        indices[start:stop][others] = indices[start:stop][order]
        data[start:stop][others] = data[start:stop][order]


def _runs(indptr: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The runs of equal counts in lists sorted by count: `run_indptr`, `run_bounds`, `run_counts`."""
    parts = []
    for first, last in _row_slices(indptr):
        start, stop = int(indptr[first]), int(indptr[last])
        changes = np.flatnonzero(counts[start + 1 : stop] != counts[start : stop - 1]) + (start + 1)
        parts.append(changes)
    lengths = np.diff(indptr)
    filled = np.flatnonzero(lengths)
    # A run starts where the count changes and where a list starts.
    run_starts = np.unique(np.concatenate([indptr[filled], *parts]).astype(np.int64))
    rows = np.searchsorted(indptr, run_starts, side="right") - 1
    runs_per_row = np.bincount(rows, minlength=lengths.size).astype(np.int64)
    entries = runs_per_row + (lengths > 0)  # a list's runs and its closing bound
    run_indptr = np.concatenate(([0], np.cumsum(entries)))
    bounds = np.zeros(int(run_indptr[-1]), dtype=np.int32)
    run_counts = np.zeros(bounds.size, dtype=np.uint8)
    # Run j of the sorted runs sits after one closing bound per filled list before its own.
    earlier_lists: np.ndarray = np.cumsum(lengths > 0) - (lengths > 0)
    slots = np.arange(run_starts.size, dtype=np.int64) + earlier_lists[rows]
    bounds[slots] = run_starts - indptr[rows]
    run_counts[slots] = counts[run_starts]
    bounds[run_indptr[filled + 1] - 1] = lengths[filled]
    return run_indptr, bounds, run_counts


def _folded(transposed: sp.csr_matrix, chunks: int) -> sp.csr_matrix:
    """The n-gram × 2n transpose of `_count_1_rows_first` with rows n … 2n−1 mapped back onto the chunks."""
    indices = transposed.indices.astype(np.int32, copy=False)
    np.subtract(indices, chunks, out=indices, where=indices >= chunks)
    return sp.csr_matrix((transposed.data, indices, transposed.indptr), shape=(_FEATURES, chunks), copy=False)


def _query_grams(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The query's n-grams and their weights: sublinear tf, L2-normalised (float32).

    What `_VECTORIZER.transform([" ".join(words)])` gives, put together from each word's n-grams:
    `char_wb` takes n-grams within a word only, so the text's are the words' one after another, and
    the counts are the occurrences of each hashed n-gram (the transform's sum of 1.0s). The transform's
    checks and sparse matrices took a twentieth of a search's CPU at 100k chunks; a word's hashed
    n-grams are kept (`_word_grams`), the same words come back in the next texts of a search.
    """
    if not words:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    hashed = np.concatenate([_word_grams(word) for word in words])
    if not hashed.size:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    grams, counts = np.unique(hashed, return_counts=True)
    weights = np.log1p(counts.astype(np.float32))
    weights /= np.float32(np.linalg.norm(weights))
    return grams, weights


_ANALYSE = _VECTORIZER.build_analyzer()


@functools.lru_cache(maxsize=8192)
def _word_grams(word: str) -> np.ndarray:
    """The hashed n-gram columns of one word, one per occurrence (int32, read-only: shared by queries)."""
    # The Cython hashing `HashingVectorizer` itself runs (via `FeatureHasher`), on (n-gram, 1) pairs.
    columns, _indptr, _values = _hash_features(
        [[(gram, 1) for gram in _ANALYSE(word)]], _FEATURES, np.float32, False, 0
    )
    columns = columns.astype(np.int32, copy=False)
    columns.flags.writeable = False
    return columns
