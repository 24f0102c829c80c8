"""A snapshot's top k: best score first, equal scores in index order, at the cut-off too; no zero scores."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.lexical import LexicalSnapshot


def _snapshot(size: int) -> LexicalSnapshot:
    return LexicalSnapshot.build([(f"c{n}", "Hilfe zur Erziehung") for n in range(size)], 1)


def _expected(scores: np.ndarray, k: int) -> list[tuple[str, float]]:
    order = sorted((-float(score), n) for n, score in enumerate(scores) if score > 0)[:k]
    return [(f"c{n}", -negative) for negative, n in order]


@pytest.mark.parametrize("zeros", [0.0, 0.6, 0.97, 1.0])  # n-gram scores, BM25's mostly zeros, none
def test_top_k_is_the_best_first_with_ties_in_index_order(zeros: float) -> None:
    rng = np.random.default_rng(11)
    snapshot = _snapshot(5000)
    for trial in range(20):
        scores = rng.random(5000).astype(np.float32)
        if trial % 2:
            scores = np.round(scores * 20).astype(np.float32) / 20  # many ties, at the cut-off too
        scores[rng.random(5000) < zeros] = 0.0
        for k in (1, 10, 50):
            assert snapshot._best(scores.copy(), k, None) == _expected(scores, k)
        allowed = (np.arange(5000) % 3 == 0).astype(np.float32)
        assert snapshot._best(scores.copy(), 10, allowed) == _expected(scores * allowed, 10)
