"""Answer-level metrics of the real `Assistant`: citations, answered rate, abstention, follow-ups.

- citation precision: share of all citations (of answered answerable questions) whose chunk is a gold
  passage by the rules of `evals.gold`;
- citation recall: share of answerable questions with at least one gold citation (an abstention counts
  as a miss: the colleague got no source);
- answered rate: share of answerable questions answered;
- abstention precision and recall over answerable plus `abstain_questions.jsonl`, positive class =
  abstained (a case-data refusal is no abstention);
- key fact stated (`key_fact_stated`, as issue #9 defines it): share of the answerable questions with
  `facts` whose answer text states one of them anywhere (`evals.facts`); an abstention states nothing;
- key fact stated under a gold citation (`key_fact_stated_gold`, the one the gate reads): the same,
  but only what the answer shows under a gold citation counts (`gold_attributed`): "vier Wochen"
  quoted from § 15 BEEG does not answer a question about § 5 JArbSchG;
- follow-ups: the history is asked first in a conversation of its own, then the question; a hit is a
  gold passage among the first five passages the Assistant retrieved (`answer.retrieved`).

Every metric is computed per split (`evals.splits`); the lists of failures are trimmed to dev
questions afterwards (`evals.splits.withhold_test_rows`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.models import Answer, AnswerStatus
from assistant.service import Assistant
from evals.facts import states_fact
from evals.gold import Question
from evals.scoring import binary_scores, latency, rate
from evals.splits import SPLITS, by_split
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document

FOLLOW_UP_DEPTH = 5
_MARKER = re.compile(r"\[(\d+)\]")

Progress = Callable[[str], None]


class Places:
    """Where a chunk of the Assistant's index stands: its document and structure, for gold matching."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self._index = index
        self._documents: dict[str, Document] = {d.id: d for d in index.documents()}
        self._chunks: dict[str, Chunk] = {}

    def chunk(self, chunk_id: str) -> Chunk | None:
        if chunk_id not in self._chunks:
            self._chunks.update(self._index.chunks([chunk_id]))
        return self._chunks.get(chunk_id)

    def document(self, document_id: str) -> Document | None:
        return self._documents.get(document_id)

    def is_gold(self, question: Question, chunk_id: str) -> bool:
        chunk = self.chunk(chunk_id)
        document = self.document(chunk.document_id) if chunk else None
        if chunk is None or document is None:
            return False
        return question.is_gold(document.source, chunk.paragraph, chunk.section, chunk.chapter)

    def describe(self, chunk_id: str) -> dict[str, Any]:
        """Title and section for the report: what we found instead of the gold."""
        chunk = self.chunk(chunk_id)
        document = self.document(chunk.document_id) if chunk else None
        return {
            "source": document.source if document else None,
            "title": document.title if document else None,
            "section": chunk.section if chunk else None,
        }


def citation_metrics(flags_per_question: Sequence[Sequence[bool]]) -> dict[str, float | None]:
    """`flags_per_question`: one list per answerable question, one flag per citation (gold or not)."""
    citations = [flag for flags in flags_per_question for flag in flags]
    return {
        "citation_precision": rate(citations),
        "citation_recall": rate([any(flags) for flags in flags_per_question]),
    }


@dataclass(frozen=True)
class Scored:
    """One answerable question, its answer, and how the answer measures against the gold."""

    question: Question
    answer: Answer
    gold_flags: tuple[bool, ...]  # one per citation: does it cite a gold passage?
    gold_seen: bool  # a gold passage among the first five the answerer was given

    @property
    def answered(self) -> bool:
        return self.answer.status is AnswerStatus.ANSWERED

    @property
    def fact_stated(self) -> bool | None:
        """Issue #9: a fact anywhere in the answer text. None for a question without facts; an
        abstention or refusal states nothing."""
        if not self.question.facts:
            return None
        return self.answered and states_fact(self.answer.text, self.question.facts)

    @property
    def fact_stated_under_gold(self) -> bool | None:
        """As `fact_stated`, but only in what the answer shows under a gold citation."""
        if not self.question.facts:
            return None
        if not self.answered:
            return False
        gold = {c.n for c, flag in zip(self.answer.citations, self.gold_flags, strict=True) if flag}
        return any(states_fact(part, self.question.facts) for part in gold_attributed(self.answer.text, gold))


def gold_attributed(text: str, gold: Collection[int]) -> list[str]:
    """The parts of an answer text that stand under the markers in `gold`, one string per run of lines.

    A line with markers ("… [2]", a passage heading "§ 44 SGB VIII … [1]") belongs to its markers; a
    line without (the quoted Absatz below a heading) to the markers of the line above it, up to the
    next blank line ("Maßgeblich sind:" belongs to no marker).
    """
    parts: list[str] = []
    run: list[str] = []
    current: set[int] = set()
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            current = set()
        markers = {int(m) for m in _MARKER.findall(line)}
        if markers:
            current = markers
        if line.strip() and current & set(gold):
            run.append(line)
            continue
        if run:
            parts.append("\n".join(run))
            run = []
    return parts


def score_answer(places: Places, question: Question, answer: Answer) -> Scored:
    flags = tuple(
        question.is_gold(c.source, c.paragraph, c.section, _chapter(places, c.chunk_id))
        for c in answer.citations
    )
    seen = any(places.is_gold(question, p.chunk_id) for p in answer.retrieved[:FOLLOW_UP_DEPTH])
    return Scored(question, answer, flags, seen)


def fact_rate(scored: Sequence[Scored]) -> float | None:
    """Key fact stated: share of the questions with facts whose answer states one of them."""
    return rate([s.fact_stated for s in scored if s.fact_stated is not None])


def gold_fact_rate(scored: Sequence[Scored]) -> float | None:
    """Key fact stated under a gold citation: share of the questions with facts."""
    return rate([s.fact_stated_under_gold for s in scored if s.fact_stated_under_gold is not None])


def answer_metrics(
    scored: Sequence[Scored], abstain_answers: Sequence[Answer], followups: Sequence[dict[str, Any]]
) -> dict[str, float | None]:
    """The metrics of one split: answerable questions, questions without a source, follow-ups."""
    answers = [s.answer for s in scored]
    abstention = binary_scores(
        [False] * len(answers) + [True] * len(abstain_answers),
        [a.status is AnswerStatus.ABSTAINED for a in (*answers, *abstain_answers)],
    )
    return {
        "answered_rate": rate([s.answered for s in scored]),
        # Real questions that name a public official or an age are refused too: a false refusal.
        "refused_rate": rate([a.status is AnswerStatus.REFUSED for a in answers]),
        **citation_metrics([s.gold_flags for s in scored]),
        "key_fact_stated": fact_rate(scored),
        "key_fact_stated_gold": gold_fact_rate(scored),
        "abstention_precision": abstention["precision"],
        "abstention_recall": abstention["recall"],
        "followup_recall@5": rate([r["hit"] for r in followups]),
    }


def evaluate_answers(
    assistant: Assistant,
    places: Places,
    *,
    answerable: Sequence[Question],
    unanswerable: Sequence[Question],
    followups: Sequence[Question],
    progress: Progress | None = None,
) -> dict[str, Any]:
    say = progress or (lambda _message: None)
    say(f"Antworten: {len(answerable)} beantwortbare Fragen")
    scored = [score_answer(places, q, assistant.ask(q.question)) for q in answerable]
    say(f"Antworten: {len(unanswerable)} Fragen ohne Quelle")
    abstain_answers = [assistant.ask(q.question) for q in unanswerable]
    say(f"Antworten: {len(followups)} Anschlussfragen")
    followup_results = [_follow_up(assistant, places, q) for q in followups]

    grouped = by_split(answerable, scored)
    abstain_grouped = by_split(unanswerable, abstain_answers)
    followup_grouped = by_split(followups, followup_results)
    answers = [s.answer for s in scored]
    statuses = [a.status.value for a in answers]
    abstention = binary_scores(
        [False] * len(answers) + [True] * len(abstain_answers),
        [a.status is AnswerStatus.ABSTAINED for a in (*answers, *abstain_answers)],
    )
    return {
        "splits": {
            split: answer_metrics(grouped[split], abstain_grouped[split], followup_grouped[split])
            for split in SPLITS
        },
        "counts": {
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "followups": len(followups),
            "with_facts": sum(1 for q in answerable if q.facts),
            "per_split": {
                split: {
                    "answerable": len(grouped[split]),
                    "with_facts": sum(1 for s in grouped[split] if s.question.facts),
                    "unanswerable": len(abstain_grouped[split]),
                    "followups": len(followup_grouped[split]),
                }
                for split in SPLITS
            },
            "status": {s.value: statuses.count(s.value) for s in AnswerStatus},
            "citations": sum(len(s.gold_flags) for s in scored),
            "gold_citations": sum(sum(s.gold_flags) for s in scored),
            "gold_retrieved_not_cited": sum(
                1 for s in scored if s.answered and s.gold_seen and not any(s.gold_flags)
            ),
            "abstention": abstention,
        },
        "latency": latency([a.latency_ms for a in (*answers, *abstain_answers)]),
        "wrongly_abstained": [_not_answered(s.question, s.answer) for s in scored if not s.answered],
        "without_gold_citation": without_gold_citation(scored),
        "facts_missed": facts_missed(scored),
        "wrongly_answered": [
            _cited(q, a)
            for q, a in zip(unanswerable, abstain_answers, strict=True)
            if a.status is not AnswerStatus.ABSTAINED
        ],
        "followups": followup_results,
    }


def without_gold_citation(scored: Sequence[Scored]) -> list[dict[str, Any]]:
    return [
        {**_cited(s.question, s.answer), "gold_retrieved": s.gold_seen}
        for s in scored
        if s.answered and not any(s.gold_flags)
    ]


def facts_missed(scored: Sequence[Scored]) -> list[dict[str, Any]]:
    """Questions with facts whose answer states none of them under a gold citation, with the answer's
    opening lines; `stated_elsewhere` when the text states one outside the gold citations."""
    return [
        {
            **_cited(s.question, s.answer),
            "facts": list(s.question.facts),
            "answer": _opening(s.answer.text),
            "stated_elsewhere": bool(s.fact_stated),
        }
        for s in scored
        if s.fact_stated_under_gold is False
    ]


def _opening(text: str, limit: int = 400) -> str:
    opening = " / ".join(line.strip() for line in text.splitlines()[:4] if line.strip())
    return opening if len(opening) <= limit else opening[: limit - 1] + "…"


def _chapter(places: Places, chunk_id: str) -> str | None:
    chunk = places.chunk(chunk_id)
    return chunk.chapter if chunk else None


def _follow_up(assistant: Assistant, places: Places, question: Question) -> dict[str, Any]:
    # A new conversation every time: the Assistant reads a follow-up's context from the answer log,
    # which outlives the process in the data dir. With a fixed id ("eval-f021") a second run on the
    # same index (or a second pass in one process) found the first run's turns as well and searched
    # "Und wer …? Wie lange …? Und wer …? Wie lange …? Und wer …?" instead of the one history turn.
    conversation = f"eval-{question.id}-{uuid.uuid4().hex}"
    for earlier in question.history:
        assistant.ask(earlier, conversation_id=conversation)
    answer = assistant.ask(question.question, conversation_id=conversation)
    top = answer.retrieved[:FOLLOW_UP_DEPTH]
    return {
        "id": question.id,
        "history": list(question.history),
        "question": question.question,
        "gold": _gold(question),
        "hit": any(places.is_gold(question, p.chunk_id) for p in top),
        "search_query": answer.search_query,
        "retrieved": [places.describe(p.chunk_id) for p in top],
    }


def _gold(question: Question) -> list[str]:
    return [f"{g.source} {g.section or ''}".strip() for g in question.gold]


def _not_answered(question: Question, answer: Answer) -> dict[str, Any]:
    return {
        "id": question.id,
        "question": question.question,
        "status": answer.status.value,
        "gold": _gold(question),
        "suggestions": [f"{s.title} – {s.section or ''}".strip(" –") for s in answer.suggestions],
    }


def _cited(question: Question, answer: Answer) -> dict[str, Any]:
    return {
        "id": question.id,
        "question": question.question,
        "kind": question.kind,
        "status": answer.status.value,
        "gold": _gold(question),
        "lead": answer.text.splitlines()[0] if answer.text else "",
        "cited": [c.label for c in answer.citations],
    }
