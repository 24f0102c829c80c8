"""`AnswerLog`: SQLAlchemy 2 over SQLite (default) or PostgreSQL, migrated with Alembic on open.

`open_database` lives in `knowledge.database` now; importing it from here still works."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import String, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from assistant.log.records import AuditRecord, Feedback, Review
from assistant.log.schema import answer_collections, answers, audit, feedback, reviews
from assistant.models import Answer, AnswerStatus, RetrievedPassage
from assistant.schemas import LogEntryRecord
from knowledge.database import APP, migrate, open_database
from knowledge.reachable import database_errors

if TYPE_CHECKING:
    from assistant.gate import Filtered


class Verdict(StrEnum):
    KORREKT = "korrekt"
    FEHLERHAFT = "fehlerhaft"
    UNVOLLSTAENDIG = "unvollstaendig"
    QUELLE_FEHLT = "quelle_fehlt"

    @property
    def label(self) -> str:
        return {"korrekt": "korrekt", "fehlerhaft": "fehlerhaft", "unvollstaendig": "unvollständig"}.get(
            self.value, "Quelle fehlt"
        )


@dataclass(frozen=True)
class LogFilter:
    since: date | None = None
    until: date | None = None
    status: AnswerStatus | None = None
    rule: str | None = None
    negative_feedback: bool = False
    unreviewed: bool = False
    # A reviewer's collections: only answers drawn from these alone (None: every answer).
    collections: frozenset[str] | None = None


@dataclass
class LogEntry:
    id: str
    asked_at: datetime
    question: str | None
    status: AnswerStatus
    answer: str
    citations: list[dict[str, Any]]  # as the answer showed them; rows of older versions lack fields
    retrieved: list[RetrievedPassage]
    rules: list[str]
    entities: list[str]
    mode: str
    latency_ms: int
    policy_version: str
    index_version: int
    feedback: list[Feedback] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)  # what the answer drew from

    def record(self) -> LogEntryRecord:
        """The entry in its schema (`assistant.schemas.LogEntryRecord`), as the API returns it."""
        return LogEntryRecord.model_validate(self.as_json())

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["asked_at"] = self.asked_at.isoformat()
        data["status"] = self.status.value
        for side in (*data["feedback"], *data["reviews"]):
            side["created_at"] = side["created_at"].isoformat()
        return json.loads(json.dumps(data, default=str))


@dataclass(frozen=True)
class Overview:
    per_day: list[tuple[date, int, int, int, int]]  # day, total, answered, abstained, refused
    total: int
    abstention_rate: float
    refusal_rate: float
    negative_feedback_rate: float
    top_documents: list[tuple[str, str, int]]  # document id, title, citations
    unanswered: list[tuple[str, datetime]]  # redacted question, asked at
    verdicts: dict[str, int]


class TextFilter(Protocol):
    def clean(self, text: str) -> Filtered: ...


class AnswerLog:
    """>>> log = AnswerLog("sqlite:///var/assistant.sqlite3")  # doctest: +SKIP
    >>> log.record(answer, user_pseudonym="3f…", conversation_pseudonym=None,
    ...            policy_version="1.1", index_version=7)

    Every text a person typed (question, search query, comments, audit details) passes the storage
    filter on its way in (policy rule 2), also when the caller filtered it already, so a caller that
    forgot cannot leak. The filter is not idempotent: a second pass can mask a word that lost its
    context to a placeholder ("[?] Holzwickede" -> "[?] [?]"; 11 of 2,119 checked-in questions), which
    errs towards storing less, never more. The `Assistant` hands in its filter, which knows
    the knowledge base's words; on its own the log uses the dictionary alone, masking more.
    """

    def __init__(self, database_url: str, text_filter: TextFilter | None = None) -> None:
        self.engine = open_database(database_url)
        self._filter = text_filter
        with database_errors(database_url):
            self.migrate()

    def use_filter(self, text_filter: TextFilter) -> None:
        self._filter = text_filter

    def _stored(self, text: str | None) -> str | None:
        if text is None:
            return None
        if self._filter is None:
            from assistant.gate import StorageFilter

            self._filter = StorageFilter.without_knowledge_base()
        return self._filter.clean(text).text

    def migrate(self) -> None:
        """The `app` branch: the answer log and the web tables that share its database."""
        migrate(self.engine, (APP,))

    def close(self) -> None:
        self.engine.dispose()

    def health(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # the health endpoint reports any database failure as "down"
            return False
        return True

    # -- writing ----------------------------------------------------------------------------------
    def record(
        self,
        answer: Answer,
        *,
        user_pseudonym: str | None,
        conversation_pseudonym: str | None,
        policy_version: str,
        index_version: int,
        asked_at: datetime | None = None,
    ) -> str:
        log_id = uuid.uuid4().hex
        question = self._stored(answer.question_for_log)
        # Most questions are searched as asked: the same text through the same filter, once.
        same = answer.search_query == answer.question_for_log
        row = {
            "id": log_id,
            "asked_at": asked_at or datetime.now(UTC),
            "user_pseudonym": user_pseudonym,
            "conversation_pseudonym": conversation_pseudonym,
            "question": question,
            "search_query": question if same else self._stored(answer.search_query),
            **_outcome(answer),
            "policy_version": policy_version,
            "index_version": index_version,
        }
        with self.engine.begin() as connection:
            connection.execute(insert(answers).values(**row))
            _record_collections(connection, log_id, answer.collections)
        return log_id

    def update(self, log_id: str, answer: Answer) -> None:
        """Replace the outcome of a row written before its answer was complete (an LLM stream)."""
        with self.engine.begin() as connection:
            connection.execute(update(answers).where(answers.c.id == log_id).values(**_outcome(answer)))
            connection.execute(delete(answer_collections).where(answer_collections.c.answer_id == log_id))
            _record_collections(connection, log_id, answer.collections)

    def add_feedback(
        self, log_id: str, *, helpful: bool | None, source_mismatch: bool = False, comment: str | None = None
    ) -> bool:
        """Store feedback; the comment passes the storage filter (the gate's redaction is the caller's)."""
        with self.engine.begin() as connection:
            if not _exists(connection, log_id):
                return False
            connection.execute(
                insert(feedback).values(
                    answer_id=log_id,
                    created_at=datetime.now(UTC),
                    helpful=helpful,
                    source_mismatch=source_mismatch,
                    comment=self._stored(comment or None),
                )
            )
        return True

    def add_review(self, log_id: str, *, reviewer: str, verdict: Verdict, comment: str | None) -> bool:
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            if not _exists(connection, log_id):
                return False
            connection.execute(
                insert(reviews).values(
                    answer_id=log_id,
                    created_at=now,
                    reviewer=reviewer,
                    verdict=verdict.value,
                    comment=self._stored(comment),
                )
            )
            connection.execute(
                insert(audit).values(
                    at=now, actor=reviewer, action="review", target=log_id, detail=verdict.value
                )
            )
        return True

    def audit(self, *, actor: str, action: str, target: str | None = None, detail: str | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(audit).values(
                    at=datetime.now(UTC),
                    actor=actor,
                    action=action,
                    target=target,
                    detail=self._stored(detail),
                )
            )

    def audit_trail(self, limit: int = 100) -> list[AuditRecord]:
        """The newest entries of the Prüfprotokoll first."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(audit).order_by(audit.c.at.desc()).limit(limit)).mappings().all()
        return [AuditRecord(**row) for row in rows]

    def purge(self, older_than_days: int, *, now: datetime | None = None) -> int:
        """Delete answers (with their feedback and reviews) older than the retention period."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
        with self.engine.begin() as connection:
            old = select(answers.c.id).where(answers.c.asked_at < cutoff)
            connection.execute(delete(feedback).where(feedback.c.answer_id.in_(old)))
            connection.execute(delete(reviews).where(reviews.c.answer_id.in_(old)))
            connection.execute(delete(answer_collections).where(answer_collections.c.answer_id.in_(old)))
            result = connection.execute(delete(answers).where(answers.c.asked_at < cutoff))
            connection.execute(delete(audit).where(audit.c.at < cutoff))
        return int(result.rowcount or 0)

    # -- reading ----------------------------------------------------------------------------------
    def conversation(
        self, conversation_pseudonym: str, limit: int = 4, *, include_refused: bool = False
    ) -> list[LogEntry]:
        """The latest turns of a conversation, oldest first: answered ones for follow-up questions,
        all of them for showing the conversation again."""
        query = select(answers).where(answers.c.conversation_pseudonym == conversation_pseudonym)
        if not include_refused:
            query = query.where(answers.c.status != AnswerStatus.REFUSED.value)
        query = query.order_by(answers.c.asked_at.desc()).limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_entry(row) for row in reversed(rows)]

    def asked_by(self, log_id: str) -> str | None:
        """The user pseudonym an answer was given to (None for an unknown id or an anonymous caller)."""
        with self.engine.connect() as connection:
            return connection.execute(
                select(answers.c.user_pseudonym).where(answers.c.id == log_id)
            ).scalar_one_or_none()

    def conversation_users(self, conversation_pseudonym: str) -> set[str | None]:
        """Every user pseudonym that asked in this conversation (empty for a conversation not begun)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(answers.c.user_pseudonym)
                .where(answers.c.conversation_pseudonym == conversation_pseudonym)
                .distinct()
            )
            return {row[0] for row in rows}

    def list(self, filters: LogFilter, limit: int = 50, offset: int = 0) -> list[LogEntry]:
        query = (
            _filtered(select(answers), filters)
            .order_by(answers.c.asked_at.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
            entries = [_entry(row) for row in rows]
            _attach(connection, entries)
        return entries

    def count(self, filters: LogFilter) -> int:
        query = _filtered(select(func.count()).select_from(answers), filters)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def get(self, log_id: str) -> LogEntry | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(answers).where(answers.c.id == log_id)).mappings().first()
            if row is None:
                return None
            entry = _entry(row)
            _attach(connection, [entry])
        return entry

    def overview(self, since: date, until: date, collections: frozenset[str] | None = None) -> Overview:
        from assistant.log.overview import build_overview

        filters = LogFilter(since=since, until=until, collections=collections)
        entries = self.list(filters, limit=1_000_000)
        return build_overview(entries, since, until)


def _outcome(answer: Answer) -> dict[str, Any]:
    """The columns that describe what was answered (the rest of a row describes what was asked)."""
    return {
        "status": answer.status.value,
        "answer": answer.text,
        # The one citation schema (`assistant.schemas.CitationRecord`), as the answer showed it.
        "citations": [c.as_json() for c in answer.citations],
        "retrieved": [asdict(r) for r in answer.retrieved],
        "rules": answer.rules,
        "entities": answer.entities,
        "mode": answer.mode,
        "latency_ms": answer.latency_ms,
    }


def _exists(connection: Connection, log_id: str) -> bool:
    return connection.execute(select(answers.c.id).where(answers.c.id == log_id)).first() is not None


def _filtered(query: Any, filters: LogFilter) -> Any:
    if filters.since:
        query = query.where(answers.c.asked_at >= datetime.combine(filters.since, time.min, UTC))
    if filters.until:
        query = query.where(
            answers.c.asked_at < datetime.combine(filters.until + timedelta(days=1), time.min, UTC)
        )
    if filters.status:
        query = query.where(answers.c.status == filters.status.value)
    if filters.rule:
        # JSON arrays are stored as text on SQLite and json on PostgreSQL; a quoted substring match works
        # on both without dialect-specific JSON operators.
        query = query.where(answers.c.rules.cast(String).like(f'%"{filters.rule}"%'))
    if filters.negative_feedback:
        negative = select(feedback.c.answer_id).where(
            (feedback.c.helpful.is_(False)) | (feedback.c.source_mismatch.is_(True))
        )
        query = query.where(answers.c.id.in_(negative))
    if filters.unreviewed:
        query = query.where(answers.c.id.not_in(select(reviews.c.answer_id)))
    if filters.collections is not None:
        outside = select(answer_collections.c.answer_id).where(
            answer_collections.c.collection.not_in(sorted(filters.collections))
        )
        query = query.where(answers.c.id.not_in(outside))
    return query


def _record_collections(connection: Connection, log_id: str, collections: list[str]) -> None:
    if collections:
        rows = [{"answer_id": log_id, "collection": name} for name in sorted(set(collections))]
        connection.execute(insert(answer_collections), rows)


def _entry(row: Any) -> LogEntry:
    asked_at = row["asked_at"]
    if asked_at.tzinfo is None:  # SQLite returns naive datetimes
        asked_at = asked_at.replace(tzinfo=UTC)
    return LogEntry(
        id=row["id"],
        asked_at=asked_at,
        question=row["question"],
        status=AnswerStatus(row["status"]),
        answer=row["answer"],
        citations=list(row["citations"] or []),
        retrieved=[
            RetrievedPassage(r["chunk_id"], r["document_id"], r.get("section"), r["score"])
            for r in row["retrieved"] or []
        ],
        rules=list(row["rules"] or []),
        entities=list(row["entities"] or []),
        mode=row["mode"],
        latency_ms=int(row["latency_ms"]),
        policy_version=row["policy_version"],
        index_version=int(row["index_version"]),
    )


def _attach(connection: Connection, entries: list[LogEntry]) -> None:
    if not entries:
        return
    by_id = {e.id: e for e in entries}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        for row in connection.execute(select(feedback).where(feedback.c.answer_id.in_(batch))).mappings():
            by_id[row["answer_id"]].feedback.append(Feedback(**row))
        drawn = select(answer_collections).where(answer_collections.c.answer_id.in_(batch))
        for row in connection.execute(drawn.order_by(answer_collections.c.collection)).mappings():
            by_id[row["answer_id"]].collections.append(row["collection"])
        for row in connection.execute(select(reviews).where(reviews.c.answer_id.in_(batch))).mappings():
            by_id[row["answer_id"]].reviews.append(Review(**row))
