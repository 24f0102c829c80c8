"""The LLM path of `python -m evals run`: the real `Assistant` in LLM mode against the scripted model.

The scripted model (`evals.scripted_llm`) runs as a real OpenAI-compatible HTTP server on 127.0.0.1
and answers only from the passages it is sent, so these numbers measure our side of the LLM path:
retrieval, the passages and prompt we build, the marker validation, the fallback. Asked are the
answerable corpus questions that carry facts.

- key fact stated, anywhere and under a gold citation: as for the built-in answers (`evals.answers`);
- answered by the model: share of these questions the model answered (not abstained, not fallen
  back to the built-in answer because the request was unreadable or nothing survived validation);
- citation recall: share with at least one gold citation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.models import AnswerStatus
from assistant.service import Assistant
from evals.answers import (
    Places,
    Scored,
    citation_metrics,
    fact_rate,
    facts_missed,
    gold_fact_rate,
    score_answer,
)
from evals.answers import without_gold_citation as without_gold
from evals.gold import Question
from evals.scoring import rate
from evals.splits import SPLITS, by_split

Progress = Callable[[str], None]


def by_model(scored: Scored) -> bool:
    return scored.answered and scored.answer.mode.startswith("llm:")


def llm_metrics(scored: Sequence[Scored]) -> dict[str, float | None]:
    return {
        "key_fact_stated": fact_rate(scored),
        "key_fact_stated_gold": gold_fact_rate(scored),
        "answered_by_model": rate([by_model(s) for s in scored]),
        "citation_recall": citation_metrics([s.gold_flags for s in scored])["citation_recall"],
    }


def evaluate_llm_answers(
    assistant: Assistant,
    places: Places,
    questions: Sequence[Question],
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    say = progress or (lambda _message: None)
    asked = [q for q in questions if q.facts]
    say(f"Antworten mit Sprachmodell (Skript): {len(asked)} Fragen mit Kernaussage")
    scored = [score_answer(places, q, assistant.ask(q.question)) for q in asked]
    grouped = by_split(asked, scored)
    modes = [s.answer.mode for s in scored]
    return {
        "splits": {split: llm_metrics(grouped[split]) for split in SPLITS},
        "counts": {
            "questions": len(asked),
            "per_split": {split: len(grouped[split]) for split in SPLITS},
            "by_model": sum(1 for s in scored if by_model(s)),
            "fallback_builtin": sum(1 for s in scored if s.answered and not s.answer.mode.startswith("llm:")),
            "abstained": sum(1 for s in scored if s.answer.status is AnswerStatus.ABSTAINED),
            "modes": sorted(set(modes)),
        },
        "facts_missed": facts_missed(scored),
        "without_gold_citation": without_gold(scored),
    }
