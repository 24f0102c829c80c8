"""BM25F over the fields of a chunk (body, § title, chapter headings, document title), precomputed.

Per term and chunk, the field frequencies are length-normalised per field, weighted and summed into
one pseudo-frequency, which then saturates once (Robertson, Zaragoza & Taylor 2004):

    tf~(t, d) = Σ_f  w_f · tf_f(t, d) / (1 − b_f + b_f · len_f(d) / avglen_f)
    score(t, d) = idf(t) · tf~ / (k1 + tf~),  idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))

(the Lucene form bm25s uses: with one field of weight 1 it gives bm25s' scores exactly). A word of
the § title thus counts more than a word of the body, but a word in both does not count twice over.
Every `score(t, d)` is computed at build time into a term-major sparse matrix, so a query only adds
up the rows of its terms (each with its own weight: synonyms count less than the words typed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

# The matrix-vector kernel behind scipy's sparse products (private, there since scipy 0.14), as in
# `knowledge.ngram_channel`: `y += A @ x` over one row's postings, without building a matrix.
from scipy.sparse._sparsetools import csc_matvec as _accumulate

from knowledge.token_ids import Vocabulary

K1 = 1.5  # bm25s' default, kept


@dataclass(frozen=True)
class Field:
    name: str
    weight: float
    b: float  # length normalisation: 0 none, 1 full


@dataclass(frozen=True, eq=False)
class ImpactMatrix:
    """`score(t, d)` for every term and chunk containing it, rows by term (CSR over terms)."""

    vocab: Mapping[str, int]
    data: np.ndarray  # float32 scores
    indices: np.ndarray  # int32 chunk positions
    indptr: np.ndarray  # int64, len(vocab) + 1
    num_docs: int

    @classmethod
    def build(cls, fields: Sequence[Field], tokens: Mapping[str, Sequence[Sequence[str]]]) -> ImpactMatrix:
        """`tokens[field.name][d]` are the tokens of field `field.name` in chunk `d`."""
        num_docs = len(tokens[fields[0].name])
        vocabulary = Vocabulary()
        positions = [vocabulary.add(tokens[spec.name]) for spec in fields]  # term ids in field order
        keys: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for spec, term_ids in zip(fields, vocabulary.dense(*positions), strict=True):
            per_doc = tokens[spec.name]
            lengths = np.fromiter(map(len, per_doc), dtype=np.float64, count=num_docs)
            if not term_ids.size:
                continue
            doc_ids = np.repeat(np.arange(num_docs, dtype=np.int64), lengths.astype(np.int64))
            unique, counts = np.unique(term_ids * num_docs + doc_ids, return_counts=True)
            norm = 1.0 - spec.b + spec.b * lengths / max(lengths.mean(), 1e-9)
            keys.append(unique)
            weights.append(spec.weight * counts / norm[unique % num_docs])
        vocab = vocabulary.ids()
        if not keys:
            return cls(MappingProxyType(vocab), *_empty(len(vocab)), num_docs)
        unique, inverse = np.unique(np.concatenate(keys), return_inverse=True)
        pseudo_tf = np.bincount(inverse, weights=np.concatenate(weights))
        terms = unique // num_docs
        frequency = np.bincount(terms, minlength=len(vocab)).astype(np.float64)
        idf = np.log(1.0 + (num_docs - frequency + 0.5) / (frequency + 0.5))
        data = (idf[terms] * pseudo_tf / (K1 + pseudo_tf)).astype(np.float32)
        indptr = np.concatenate(([0], np.cumsum(frequency.astype(np.int64))))
        return cls(MappingProxyType(vocab), data, (unique % num_docs).astype(np.int32), indptr, num_docs)

    def scores(self, weighted_terms: Mapping[str, float]) -> np.ndarray:
        """Σ weight · score(t, d) over the given terms, for every chunk d."""
        total = np.zeros(self.num_docs, dtype=np.float32)
        # Plain arrays over the memory maps (slicing an np.memmap builds a memmap object each time);
        # scipy's matrix-vector kernel adds a row in one pass, where `total[indices] += …` gathered,
        # multiplied and scattered in three (the same float32 sums, in the same order).
        indptr, indices, data = np.asarray(self.indptr), np.asarray(self.indices), np.asarray(self.data)
        for term, weight in weighted_terms.items():
            row = self.vocab.get(term)
            if row is not None:
                start, end = int(indptr[row]), int(indptr[row + 1])
                if start < end:
                    pointers = np.array([0, end - start], dtype=indices.dtype)
                    factor = np.array([weight], dtype=np.float32)
                    _accumulate(
                        self.num_docs, 1, pointers, indices[start:end], data[start:end], factor, total
                    )
        return total

    def document_frequency(self, term: str) -> int:
        row = self.vocab.get(term)
        return 0 if row is None else int(self.indptr[row + 1] - self.indptr[row])

    def save(self, directory: Path) -> None:
        directory.mkdir()
        np.save(directory / "data.npy", self.data)
        np.save(directory / "indices.npy", self.indices)
        np.save(directory / "indptr.npy", self.indptr)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (directory / "terms.txt").write_text("\n".join(terms), encoding="utf-8")
        (directory / "num_docs").write_text(str(self.num_docs), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> ImpactMatrix:
        """The saved matrix; its arrays as read-only memory maps (a query reads only the rows of its
        terms: at 100k chunks 58 MB that no longer sit in every worker's own memory)."""
        raw_terms = (directory / "terms.txt").read_text(encoding="utf-8")
        terms = raw_terms.split("\n") if raw_terms else []
        return cls(
            MappingProxyType({term: n for n, term in enumerate(terms)}),
            np.load(directory / "data.npy", mmap_mode="r"),
            np.load(directory / "indices.npy", mmap_mode="r"),
            np.load(directory / "indptr.npy", mmap_mode="r"),
            int((directory / "num_docs").read_text(encoding="utf-8")),
        )


def _empty(vocab_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.zeros(0, dtype=np.float32),
        np.zeros(0, dtype=np.int32),
        np.zeros(vocab_size + 1, dtype=np.int64),
    )
