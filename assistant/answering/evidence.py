"""Answer or abstain: calibrated features of the evidence, not word lists.

Features of the passages an answer would stand on (`passages.select_passages`):

- how much of the question's content the best passage and the whole answer cover (idf-weighted
  share of the question's known terms), and the retrieved top five as a whole;
- the share of the question's weight on words the knowledge base never uses;
- the search's own confidence: the best hit's score and its margin over the fifth;
- whether the asked-about entity occurs in the passages at all: a place, an amount, a date, an
  office (`entities`).

A logistic model over them was fitted on the dev split of the eval sets (answerable corpus
questions against `abstain_questions.jsonl`; `python -m evals.calibrate_answers` prints the fit and
its dev numbers). Exact facts stay rules: a § the named law does not have ("§ 99z SGB VIII") and a
question without a single known word abstain.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from assistant.answering.entities import asked_in_index, missing_kinds
from assistant.answering.passages import Passage
from assistant.answering.terms import QuestionTerms, text_tokens
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit
from knowledge.text.references import parse_references

_EXPLICIT_PARAGRAPH = re.compile(r"§§?\s*(\d+[a-z]?)\b")
TOP_N = 5

# Fitted on dev by `python -m evals.calibrate_answers` (see the module docstring). Further features
# measured there (`--features`) but not kept: they added nothing under cross-validation on dev.
INTERCEPT = -0.698
WEIGHTS: dict[str, float] = {
    "unknown_noun_share": 4.448,
    "covered_share": -9.086,
    "entity_missing": 7.433,
}
THRESHOLD = 0.5  # abstain when the fitted probability of "no source" reaches it


@dataclass(frozen=True)
class Evidence:
    features: dict[str, float] = field(default_factory=dict)
    missing_paragraph: str | None = None  # "§ 99z SGB VIII" when the question names a § no indexed law holds
    missing_entities: tuple[str, ...] = ()  # kinds of asked-about entity no passage contains

    @property
    def no_source_probability(self) -> float:
        if not self.features:
            return 1.0
        z = INTERCEPT + sum(w * self.features.get(name, 0.0) for name, w in WEIGHTS.items())
        return 1.0 / (1.0 + math.exp(-z))

    @property
    def is_weak(self) -> bool:
        return self.missing_paragraph is not None or self.no_source_probability >= THRESHOLD


def assess(index: KnowledgeIndex, question: str, hits: list[Hit], passages: list[Passage]) -> Evidence:
    """The evidence `passages` (chosen from `hits`) give for answering `question`."""
    missing = _missing_paragraph(index, question)
    terms = QuestionTerms.of(index, question)
    if not hits or not passages or terms.empty:
        return Evidence({}, missing)
    return Evidence(
        features(index, question, terms, hits, passages),
        missing,
        _missing_entities(index, question, passages),
    )


def features(
    index: KnowledgeIndex, question: str, terms: QuestionTerms, hits: list[Hit], passages: list[Passage]
) -> dict[str, float]:
    top_tokens: set[str] = set()
    for hit in hits[:TOP_N]:
        top_tokens.update(text_tokens(index, hit.chunk.context_text(hit.document.title)))
    answer_tokens = frozenset().union(*(p.tokens for p in passages))
    fifth = hits[min(TOP_N, len(hits)) - 1].score
    return {
        "unknown_share": terms.unknown_share,
        "coverage_best": passages[0].coverage,
        "coverage_answer": terms.coverage(answer_tokens),
        "coverage_top": terms.coverage(top_tokens),
        "top_score": hits[0].score,
        "margin": hits[0].score - fifth,
        "entity_missing": float(bool(_missing_entities(index, question, passages))),
        # The share of the whole question (unknown words included) that the best passage holds.
        "covered_share": passages[0].coverage * (1.0 - terms.unknown_share),
        "unknown_noun_share": terms.unknown_noun_share,
        "noun_coverage_best": terms.noun_coverage(passages[0].tokens)
        if terms.nouns
        else passages[0].coverage,
        # The question's nouns (unknown ones count as missing) that the best passage holds.
        "noun_covered_share": (terms.noun_coverage(passages[0].tokens) if terms.nouns else 0.0)
        * (1.0 - terms.unknown_noun_share),
        # As covered_share, but from the best passage that holds what was asked (the place, the
        # amount, …): a passage without it answers another question, however many words it shares.
        "answering_share": max(
            (p.coverage for p in passages if not _missing_in(index, question, [p])), default=0.0
        )
        * (1.0 - terms.unknown_share),
    }


def _missing_entities(index: KnowledgeIndex, question: str, passages: list[Passage]) -> tuple[str, ...]:
    """The kinds of asked-about entity that no shown passage holds."""
    return _missing_in(index, question, passages)


def _missing_in(index: KnowledgeIndex, question: str, passages: list[Passage]) -> tuple[str, ...]:
    shown = "\n".join(f"{p.hit.document.title} {p.hit.document.region or ''} {p.text}" for p in passages)
    return tuple(missing_kinds(asked_in_index(index, question), shown))


def _missing_paragraph(index: KnowledgeIndex, question: str) -> str | None:
    """A question about "§ 99z SGB VIII" must not be answered from § 99 or a neighbour."""
    named = [f"§ {m.group(1)}" for m in _EXPLICIT_PARAGRAPH.finditer(question)]
    if not named:
        return None
    by_law = index.known_paragraphs()
    laws = [law for law in parse_references(question).laws if law in by_law]
    candidates = [by_law[law] for law in laws] or list(by_law.values())
    for paragraph in named:
        if not any(paragraph in paragraphs for paragraphs in candidates):
            return f"{paragraph} {laws[0]}" if laws else paragraph
    return None
