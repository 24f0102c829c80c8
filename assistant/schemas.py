"""The JSON shapes of an answer and of a log entry, as pydantic models: one citation schema for the core
(`Answer.as_json`), the answer log's rows, `python -m assistant ask --json`, the pages and the API
(`web/schemas.py` builds its responses from these).

Citations in log rows written before this schema lack some fields (source, type, dates, law): they are
optional here, and the pages fill them from the catalog.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from assistant.models import Answer, Citation


class _Record(BaseModel):
    # Reading a log row from an older version must not fail on a key this version no longer writes.
    model_config = ConfigDict(extra="ignore")


class CitationRecord(_Record):
    """One numbered source: "[n]" in the answer text points here."""

    n: int = Field(description="Die Nummer im Antworttext, [n].")
    document_id: str
    chunk_id: str = ""
    source: str | None = None
    title: str = ""
    type: str | None = Field(default=None, description="Dokumenttyp, z. B. law, press_release.")
    date: dt.date | None = None
    section: str | None = None
    paragraph: str | None = Field(default=None, examples=["§ 8a"])
    absatz: str | None = Field(default=None, examples=["1"])
    law: str | None = Field(default=None, examples=["SGB VIII"])
    version_state: dt.date | None = Field(default=None, description="Stand der zitierten Fassung.")
    superseded_by: str | None = Field(default=None, description="Id der neueren Fassung, falls ersetzt.")
    superseded: bool = False
    page: int | None = Field(default=None, description="Seite im PDF oder Scan, auf der die Stelle beginnt.")
    quote: str = ""
    label: str = Field(default="", examples=["§ 8a Abs. 1 SGB VIII, Stand 29.03.2026"])

    @classmethod
    def of(cls, citation: Citation) -> CitationRecord:
        return cls(
            n=citation.n,
            document_id=citation.document_id,
            chunk_id=citation.chunk_id,
            source=citation.source,
            title=citation.title,
            type=citation.type,
            date=citation.date,
            section=citation.section,
            paragraph=citation.paragraph,
            absatz=citation.absatz,
            law=citation.law,
            version_state=citation.version_state,
            superseded_by=citation.superseded_by,
            superseded=citation.superseded_by is not None,
            page=citation.page,
            quote=citation.quote,
            label=citation.label,
        )


class NoticeRecord(_Record):
    kind: str = Field(examples=["ai_disclosure"])
    text: str


class PolicyRecord(_Record):
    rules: list[str] = Field(description="Ids der Richtlinienregeln, die gegriffen haben.")
    entities: list[str] = Field(description="Nur die Typen erkannter Falldaten, nie die Werte.")


class SuggestionRecord(_Record):
    """A document close to the question, offered when the assistant abstains."""

    document_id: str
    title: str
    section: str | None = None


class AnswerRecord(_Record):
    status: str = Field(description="answered, abstained oder refused.")
    question: str | None = Field(description="Die Frage, wie sie gespeichert und angezeigt werden darf.")
    answer: str
    citations: list[CitationRecord]
    notices: list[NoticeRecord]
    policy: PolicyRecord
    suggestions: list[SuggestionRecord]
    mode: str = Field(examples=["builtin"])
    log_id: str | None

    @classmethod
    def of(cls, answer: Answer) -> AnswerRecord:
        return cls(
            status=answer.status.value,
            question=answer.shown_question,
            answer=answer.text,
            citations=[CitationRecord.of(c) for c in answer.citations],
            notices=[NoticeRecord(kind=n.kind.value, text=n.text) for n in answer.notices],
            policy=PolicyRecord(rules=answer.rules, entities=answer.entities),
            suggestions=[
                SuggestionRecord(document_id=s.document_id, title=s.title, section=s.section)
                for s in answer.suggestions
            ],
            mode=answer.mode,
            log_id=answer.log_id,
        )


class RetrievedRecord(_Record):
    chunk_id: str
    document_id: str
    section: str | None = None
    score: float


class FeedbackRecord(_Record):
    id: int
    answer_id: str
    created_at: dt.datetime
    helpful: bool | None = None
    source_mismatch: bool = False
    comment: str | None = None


class ReviewRecord(_Record):
    id: int
    answer_id: str
    created_at: dt.datetime
    reviewer: str
    verdict: str = Field(examples=["korrekt"])
    comment: str | None = None


class LogEntryRecord(_Record):
    """One row of the answer log with its feedback and reviews (pseudonymous, no case data)."""

    id: str
    asked_at: dt.datetime
    question: str | None
    status: str
    answer: str
    citations: list[CitationRecord]
    retrieved: list[RetrievedRecord]
    rules: list[str]
    entities: list[str]
    mode: str
    latency_ms: int
    policy_version: str
    index_version: int
    feedback: list[FeedbackRecord]
    reviews: list[ReviewRecord]
