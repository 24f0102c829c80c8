"""`python -m evals cv`: k-fold cross-validation over the dev split for the choices we tune.

A choice made by looking at all of dev is judged on dev too, so its dev number flatters it (the
dev/test gap of the answers section). Here every choice is made on k-1 folds of dev and scored on
the fold left out; the mean over the held-out folds is what the choice is worth on unseen questions,
and the spread of the choices across folds says how stable it is. Test questions are never read.

- abstention: the logistic model of `assistant.answering.evidence`, refitted on each training fold,
  at each threshold (held-out precision, recall, F1);
- passages: the grid of `evals.calibrate_answers.PASSAGE_GRID` (or `ABSATZ_GRID`), the best setting
  of the training folds by gold citation + key fact + citation precision, scored on the held-out
  fold. Without citation precision the objective rewards citing more passages: every further one
  can only add a gold §, so the grid drifted to more, weaker passages.

Folds are fixed by the question id (sha256, like the split), so a run is reproducible.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from evals.calibrate_answers import (
    ABSATZ_GRID,
    PASSAGE_GRID,
    RETRIEVE_K,
    Row,
    _abstains,
    fit,
    grid_place,
)
from evals.gold import Question, load_questions
from knowledge.index import KnowledgeIndex

Progress = Callable[[str], None]
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
T = TypeVar("T")  # one question's outcome under a setting


def fold_of(question_id: str, folds: int) -> int:
    """The fold of a dev question, fixed by its id."""
    return int(hashlib.sha256(f"cv:{question_id}".encode()).hexdigest(), 16) % folds


def abstention_cv(rows: Sequence[Row], names: list[str], folds: int) -> list[dict[str, Any]]:
    """Held-out precision, recall and F1 of the abstention model per threshold."""
    results = []
    for threshold in THRESHOLDS:
        predicted: dict[str, bool] = {}
        for fold in range(folds):
            train = [r for r in rows if fold_of(r.question.id, folds) != fold]
            intercept, weights = fit(list(train), names)
            for row in rows:
                if fold_of(row.question.id, folds) == fold:
                    predicted[row.question.id] = _abstains(row, intercept, weights, threshold)
        tp = sum(predicted[r.question.id] and r.abstain for r in rows)
        fp = sum(predicted[r.question.id] and not r.abstain for r in rows)
        fn = sum(not predicted[r.question.id] and r.abstain for r in rows)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        results.append(
            {
                "threshold": threshold,
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(f1, 3),
            }
        )
    return results


@dataclass(frozen=True)
class Outcome:
    """One dev question's built-in answer under one setting."""

    gold_cited: bool
    fact_stated: bool | None  # None: the question has no facts
    cited: int  # citations shown
    cited_gold: int  # of them, naming a gold §


def current_setting(grid: dict[str, tuple[float, ...]]) -> dict[str, float]:
    """The values the code uses now for the names of `grid`."""
    return {name: getattr(*grid_place(name)) for name in grid}


def passage_scores(
    sets: Sequence[tuple[KnowledgeIndex, list[Question]]], grid: dict[str, tuple[float, ...]]
) -> tuple[list[dict[str, float]], dict[str, list[Outcome]]]:
    """Per setting of `grid` (as a key string): each dev question's outcome."""
    from assistant.answering.extractive import extract_answer
    from evals.facts import states_fact

    searched = [(index, q, index.search(q.question, k=RETRIEVE_K)) for index, qs in sets for q in qs]
    saved = current_setting(grid)
    settings: list[dict[str, float]] = []
    outcomes: dict[str, list[Outcome]] = {}
    try:
        for values in itertools.product(*grid.values()):
            setting = dict(zip(grid, values, strict=True))
            for name, value in setting.items():
                setattr(*grid_place(name), value)
            rows = []
            for index, q, hits in searched:
                answer = extract_answer(index, q.question, hits)
                cited = [] if answer is None else answer.citations
                chunks = index.chunks([c.chunk_id for c in cited])
                marks = [
                    q.is_gold(
                        c.source, c.paragraph, c.section, getattr(chunks.get(c.chunk_id), "chapter", None)
                    )
                    for c in cited
                ]
                fact = (answer is not None and states_fact(answer.text, q.facts)) if q.facts else None
                rows.append(Outcome(any(marks), fact, len(marks), sum(marks)))
            settings.append(setting)
            outcomes[repr(setting)] = rows
    finally:
        for name, value in saved.items():
            setattr(*grid_place(name), value)
    return settings, outcomes


def measures(rows: Sequence[Outcome]) -> dict[str, float]:
    """Gold citation rate, key-fact rate (questions with facts) and citation precision (pooled)."""
    facts = [r.fact_stated for r in rows if r.fact_stated is not None]
    return {
        "gold_citation": sum(r.gold_cited for r in rows) / max(1, len(rows)),
        "key_fact": sum(facts) / len(facts) if facts else 0.0,
        "citation_precision": sum(r.cited_gold for r in rows) / max(1, sum(r.cited for r in rows)),
    }


def nested_cv(
    ids: Sequence[str],
    settings: Sequence[dict[str, float]],
    outcomes: dict[str, list[T]],
    folds: int,
    current: dict[str, float],
    *,
    measure: Callable[[Sequence[T]], dict[str, float]],
) -> dict[str, Any]:
    """Nested choice: the setting whose `measure` (summed) is best on k-1 folds, scored on the fold
    left out; beside it the measures of `current` (the constants in the code) on all of dev.
    `outcomes[repr(setting)][i]` is question `ids[i]`'s outcome under that setting."""

    def objective(rows: Sequence[T]) -> float:
        return sum(measure(rows).values())

    def rounded(rows: Sequence[T]) -> dict[str, float]:
        return {k: round(v, 3) for k, v in measure(rows).items()}

    held_out: list[float] = []
    held_out_rows: list[T] = []
    chosen: list[dict[str, float]] = []
    for fold in range(folds):
        train = [i for i, qid in enumerate(ids) if fold_of(qid, folds) != fold]
        test = [i for i, qid in enumerate(ids) if fold_of(qid, folds) == fold]
        best = max(settings, key=lambda s: objective([outcomes[repr(s)][i] for i in train]))
        chosen.append(best)
        held_out.append(objective([outcomes[repr(best)][i] for i in test]))
        held_out_rows += [outcomes[repr(best)][i] for i in test]
    overall = max(settings, key=lambda s: objective(outcomes[repr(s)]))
    return {
        "held_out_objective": round(sum(held_out) / len(held_out), 3),
        "held_out": rounded(held_out_rows),
        "current": current,
        "current_on_all_dev": rounded(outcomes.get(repr(current), [])),
        "per_fold": [round(h, 3) for h in held_out],
        "chosen_per_fold": chosen,
        "chosen_on_all_dev": overall,
        "all_dev_objective": round(objective(outcomes[repr(overall)]), 3),
        "chosen_on_all_dev_measures": rounded(outcomes[repr(overall)]),
    }


def passage_cv(
    ids: Sequence[str],
    settings: Sequence[dict[str, float]],
    outcomes: dict[str, list[Outcome]],
    folds: int,
    current: dict[str, float],
) -> dict[str, Any]:
    """`nested_cv` of the passage settings by gold citation + key fact + citation precision."""
    return nested_cv(ids, settings, outcomes, folds, current, measure=measures)


def run_cv(
    corpus: KnowledgeIndex, knowledge: KnowledgeIndex, folds: int, grid: str, say: Progress
) -> dict[str, Any]:
    """Abstention and passage cross-validation on the dev split."""
    from assistant.answering.evidence import WEIGHTS
    from evals.calibrate_answers import evidence_rows

    def dev(name: str) -> list[Question]:
        return [q for q in load_questions(name) if q.split == "dev"]

    say("Enthaltung: Merkmale der dev-Fragen")
    rows = (
        evidence_rows(corpus, dev("corpus_questions.jsonl"), abstain=False)
        + evidence_rows(knowledge, dev("knowledge_questions.jsonl"), abstain=False)
        + evidence_rows(corpus, dev("abstain_questions.jsonl"), abstain=True)
    )
    report: dict[str, Any] = {"folds": folds, "abstention": abstention_cv(rows, list(WEIGHTS), folds)}
    say(f"Fundstellen: Raster {grid} auf dev")
    sets = [(corpus, dev("corpus_questions.jsonl")), (knowledge, dev("knowledge_questions.jsonl"))]
    chosen_grid = PASSAGE_GRID if grid == "passages" else ABSATZ_GRID
    current = current_setting(chosen_grid)
    settings, outcomes = passage_scores(sets, chosen_grid)
    ids = [q.id for _, qs in sets for q in qs]
    report[grid] = passage_cv(ids, settings, outcomes, folds, current)
    return report


def default_indexes(
    root: Path, corpus_dir: Path, knowledge_dir: Path
) -> tuple[KnowledgeIndex, KnowledgeIndex]:
    from evals.calibrate_answers import _index

    corpus = _index(root, "corpus", [corpus_dir / "press", corpus_dir / "laws", corpus_dir / "bylaws"])
    return corpus, _index(root, "knowledge", [knowledge_dir])
