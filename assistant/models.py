"""What a question turns into: an `Answer` with citations, notices and the policy rules that fired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AnswerStatus(StrEnum):
    ANSWERED = "answered"
    ABSTAINED = "abstained"
    REFUSED = "refused"
    # An LLM answer whose stream had begun when its row was written and that has not finished (yet): the
    # client dropped or the server stopped mid-answer. Logged anyway: every served answer is logged.
    INCOMPLETE = "incomplete"


class NoticeKind(StrEnum):
    AI_DISCLOSURE = "ai_disclosure"
    EMERGENCY = "emergency"
    CASE_DECISION = "case_decision"
    CASE_DATA = "case_data"
    REDACTED = "redacted"
    SUPERSEDED = "superseded"
    LLM_FALLBACK = "llm_fallback"
    UNSOURCED_REMOVED = "unsourced_removed"


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    text: str


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer: "[1]" in the text points here."""

    n: int
    document_id: str
    chunk_id: str
    source: str
    title: str
    type: str
    date: dt.date | None
    section: str | None
    paragraph: str | None  # "§ 8a"
    absatz: str | None  # the Absatz the quote stands in
    law: str | None
    version_state: dt.date | None
    superseded_by: str | None
    quote: str
    label: str  # "§ 8a Abs. 1 SGB VIII, Stand 29.03.2026" or "Pressemitteilung „…“ vom 13.02.2026"
    page: int | None = None  # the page of a PDF or scan the passage starts on ("S. 4")

    def as_json(self) -> dict[str, Any]:
        """The one citation schema (`assistant.schemas.CitationRecord`), JSON-ready."""
        from assistant.schemas import CitationRecord

        return CitationRecord.of(self).model_dump(mode="json")


@dataclass(frozen=True)
class Suggestion:
    """A document close to the question, offered when the assistant abstains."""

    document_id: str
    title: str
    section: str | None


@dataclass(frozen=True)
class RetrievedPassage:
    """What retrieval returned, kept for the review page (chunk ids and scores, no text copies)."""

    chunk_id: str
    document_id: str
    section: str | None
    score: float


@dataclass(frozen=True)
class Turn:
    """A previous question of the conversation (already redacted) and the answer's sections."""

    question: str
    sections: tuple[str, ...] = ()


@dataclass
class Answer:
    status: AnswerStatus
    text: str
    citations: list[Citation] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # policy rule ids that fired
    entities: list[str] = field(default_factory=list)  # entity types found by the case-data gate
    suggestions: list[Suggestion] = field(default_factory=list)  # closest documents when abstaining
    retrieved: list[RetrievedPassage] = field(default_factory=list)
    mode: str = "builtin"
    question_for_log: str | None = None  # redacted question; None when refused (types only are stored)
    shown_question: str | None = None  # what may be shown back: the question with case data replaced
    search_query: str | None = None
    log_id: str | None = None
    latency_ms: int = 0
    collections: list[str] = field(default_factory=list)  # of the documents it drew from, for review

    def as_json(self) -> dict[str, Any]:
        """`assistant.schemas.AnswerRecord`, JSON-ready: what the API, the stream's `done` event and
        `python -m assistant ask --json` return."""
        from assistant.schemas import AnswerRecord

        return AnswerRecord.of(self).model_dump(mode="json")
