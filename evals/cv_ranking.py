"""`python -m evals cv --grid fusion`: the fusion constants of `knowledge.search`, chosen by k-fold CV.

The constants were tuned on all of dev once, by eye, and the dev/test gap said they fit dev better
than unseen questions. Here each fold's choice is made on the other folds of dev (corpus and
knowledge questions together, so that neither set's wording decides alone) and scored on the fold
left out: the held-out numbers are what a setting is worth on questions nobody tuned on. Folds and the
nested choice are those of `evals.cv`; test questions are never read.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from evals.cv import nested_cv
from evals.gold import Question
from knowledge import search
from knowledge.index import KnowledgeIndex

# Names in `knowledge.search` and the values tried; the current values are among them.
FUSION_GRID: dict[str, tuple[float, ...]] = {
    "_RRF_K": (3, 5, 10, 20),
    "_DENSE_WEIGHT": (0.2, 0.3, 0.5, 0.7),
    "_REPEAT_DECAY": (0.6, 0.8, 1.0),
}
RANK_DEPTH = 10  # ranks below this count as not found


def first_rank(index: KnowledgeIndex, question: Question, depth: int = RANK_DEPTH) -> int | None:
    """Rank of the first hit on any gold unit of `question`, None when none is in the first `depth`."""
    hits = index.search(question.question, k=depth)
    return next(
        (
            rank
            for rank, h in enumerate(hits, start=1)
            if question.gold_match(h.document.source, h.chunk.paragraph, h.chunk.section, h.chunk.chapter)
            is not None
        ),
        None,
    )


def fusion_ranks(
    sets: Sequence[tuple[KnowledgeIndex, list[Question]]], grid: dict[str, tuple[float, ...]] = FUSION_GRID
) -> tuple[list[dict[str, float]], dict[str, list[int | None]]]:
    """Per setting of `grid`: each question's first gold rank (questions in the order of `sets`).
    The constants are put back afterwards, also when a search fails."""
    saved = {name: getattr(search, name) for name in grid}
    settings: list[dict[str, float]] = []
    ranks: dict[str, list[int | None]] = {}
    try:
        for values in itertools.product(*grid.values()):
            setting = dict(zip(grid, values, strict=True))
            for name, value in setting.items():
                setattr(search, name, value)
            settings.append(setting)
            ranks[repr(setting)] = [first_rank(index, q) for index, qs in sets for q in qs]
    finally:
        for name, value in saved.items():
            setattr(search, name, value)
    return settings, ranks


def ranking_measures(ranks: Sequence[int | None]) -> dict[str, float]:
    """recall@1, recall@5 and MRR of the first gold ranks (None: not in the first `RANK_DEPTH`)."""
    n = max(1, len(ranks))
    return {
        "recall@1": sum(r == 1 for r in ranks) / n,
        "recall@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
    }


def fusion_cv(
    ids: Sequence[str],
    settings: Sequence[dict[str, float]],
    ranks: dict[str, list[int | None]],
    folds: int,
    current: dict[str, float],
) -> dict[str, Any]:
    """`evals.cv.nested_cv` of the fusion constants by recall@1 + recall@5 + MRR: the right passage
    first, and in the five an answer reads."""
    return nested_cv(ids, settings, ranks, folds, current, measure=ranking_measures)


def run_fusion_cv(sets: Sequence[tuple[KnowledgeIndex, list[Question]]], folds: int) -> dict[str, Any]:
    """Fusion CV over the given (index, dev questions) pairs."""
    current = {name: getattr(search, name) for name in FUSION_GRID}
    settings, ranks = fusion_ranks(sets)
    ids = [q.id for _, qs in sets for q in qs]
    return {"folds": folds, "questions": len(ids), "fusion": fusion_cv(ids, settings, ranks, folds, current)}
