"""Conversation history: each user's own copy of their chat conversations (list, open, rename, delete).

Kept apart from the pseudonymous answer log. Deleting a conversation deletes this copy only; the log keeps
its row, which names no one. Every question and title passes the gate and the storage filter before it is
stored (policy rule 2), exactly as in the log; answers are stored as shown. The answer log's id of each
turn is sealed with a key from the server secret, so the copy can offer feedback on its answers, while
a reader of the database cannot join accounts to log rows by it. Retention: `JHA_HISTORY_RETENTION_DAYS`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from web.db import conversation_turns, conversations

if TYPE_CHECKING:
    from assistant.schemas import AnswerRecord
    from assistant.service import Assistant

TITLE_CHARS = 80
_NONCE_BYTES = 16
# Fields of the answer that the copy keeps apart: the question (cleaned, a column) and the sealed log id.
_KEPT_APART = {"question", "log_id"}


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class HistoryTurn:
    asked_at: datetime
    question: str | None
    # The stored `AnswerRecord` JSON with its log id restored (None if the seal is broken); rows written
    # by older versions may lack fields, so it is read as the JSON it was stored as.
    answer: dict[str, Any]


def storage_filter_of(assistant: Assistant) -> Callable[[str], str]:
    """What a person typed, as it may be stored: the gate's findings typed, every unvouched word "[?]"
    (a question as the assistant showed it is that already: `Assistant.stored_text`)."""
    return assistant.stored_text


class ConversationHistory:
    """>>> history.record("fachkraft", conversation_id, AnswerRecord.of(answer))  # doctest: +SKIP
    >>> [c.title for c in history.recent("fachkraft")]  # doctest: +SKIP
    ['Was regelt § 8a SGB VIII?']
    """

    def __init__(self, engine: Engine, key: bytes, clean: Callable[[str], str]) -> None:
        self.engine = engine
        self._key = key
        self._clean = clean

    # -- writing ----------------------------------------------------------------------------------
    def record(
        self, username: str, conversation_id: str, answer: AnswerRecord, *, numbered: bool = True
    ) -> int:
        """Append an answer to the user's conversation, created with its first question as title.
        Returns the turn's number (1 for the first), 0 for another account's id; with `numbered=False`
        (a caller that shows no number) 1 for any stored turn, which saves counting the turns."""
        # A refused question is not kept at all, as in the log: only that it was refused.
        shown = answer.question if answer.status != "refused" else None
        question = (self._clean(shown).strip() or None) if shown else None
        turn = {
            "conversation_id": conversation_id,
            "question": question,
            "answer": answer.model_dump(mode="json", exclude=_KEPT_APART),
            "answer_ref": self._seal(answer.log_id) if answer.log_id else None,
        }
        try:
            return self._append(username, conversation_id, turn, _title(question), numbered=numbered)
        except IntegrityError:  # the same new conversation created twice at once: it exists now
            return self._append(username, conversation_id, turn, _title(question), numbered=numbered)

    def _append(
        self, username: str, conversation_id: str, turn: dict[str, Any], title: str | None, *, numbered: bool
    ) -> int:
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            # Most turns continue the user's own conversation: touching it by id and owner at once
            # tells that in one statement; only when nothing matched is the owner looked up.
            touched = connection.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id, conversations.c.username == username)
                .values(updated_at=now)
            ).rowcount
            if not touched:
                if _owner(connection, conversation_id) is not None:
                    return 0  # another account's conversation
                connection.execute(
                    insert(conversations).values(
                        id=conversation_id, username=username, title=title, created_at=now, updated_at=now
                    )
                )
            connection.execute(insert(conversation_turns).values(asked_at=now, **turn))
            if not numbered:
                return 1
            count = select(func.count()).where(conversation_turns.c.conversation_id == conversation_id)
            return int(connection.execute(count).scalar_one())

    def rename(self, username: str, conversation_id: str, title: str) -> bool:
        cleaned = _title(self._clean(title).strip() or None)
        with self.engine.begin() as connection:
            result = connection.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id, conversations.c.username == username)
                .values(title=cleaned)
            )
        return bool(result.rowcount)

    def delete(self, username: str, conversation_id: str) -> bool:
        """Delete the user's copy; the answer log's pseudonymous rows stay (they name no one)."""
        with self.engine.begin() as connection:
            if _owner(connection, conversation_id) != username:
                return False
            _delete_conversations(connection, [conversation_id])
        return True

    # -- reading ----------------------------------------------------------------------------------
    def owner(self, conversation_id: str) -> str | None:
        with self.engine.connect() as connection:
            return _owner(connection, conversation_id)

    def recent(self, username: str, limit: int = 100) -> list[Conversation]:
        """The user's conversations, most recently used first."""
        query = (
            select(conversations)
            .where(conversations.c.username == username)
            .order_by(conversations.c.updated_at.desc(), conversations.c.created_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_conversation(row) for row in connection.execute(query).mappings()]

    def get(self, username: str, conversation_id: str) -> Conversation | None:
        query = select(conversations).where(
            conversations.c.id == conversation_id, conversations.c.username == username
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return _conversation(row) if row else None

    def turns(self, username: str, conversation_id: str) -> list[HistoryTurn]:
        """The turns of the user's conversation, oldest first (none for anyone else's)."""
        query = (
            select(conversation_turns)
            .join(conversations, conversations.c.id == conversation_turns.c.conversation_id)
            .where(conversations.c.id == conversation_id, conversations.c.username == username)
            .order_by(conversation_turns.c.asked_at, conversation_turns.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            HistoryTurn(
                asked_at=_aware(row["asked_at"]),
                question=row["question"],
                answer={**row["answer"], "log_id": self._open(row["answer_ref"])},
            )
            for row in rows
        ]

    # -- the sealed log id ------------------------------------------------------------------------
    def _pad(self, nonce: bytes) -> bytes:
        return hmac.new(self._key, b"history-answer-ref:" + nonce, hashlib.sha256).digest()

    def _seal(self, log_id: str) -> str:
        raw = log_id.encode("ascii")
        nonce = secrets.token_bytes(_NONCE_BYTES)
        pad = self._pad(nonce)
        assert len(raw) <= len(pad), "log ids are 32 hex characters"
        return (nonce + bytes(a ^ b for a, b in zip(raw, pad, strict=False))).hex()

    def _open(self, sealed: str | None) -> str | None:
        try:
            data = bytes.fromhex(sealed or "")
        except ValueError:
            return None
        nonce, body = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
        raw = bytes(a ^ b for a, b in zip(body, self._pad(nonce), strict=False))
        return raw.decode("ascii") if body and raw.isascii() and raw.decode("ascii").isalnum() else None


def purge_history(engine: Engine, older_than_days: int, *, now: datetime | None = None) -> int:
    """Delete turns older than the retention period, and conversations with nothing newer; returns the
    number of conversations deleted."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    with engine.begin() as connection:
        stale = connection.execute(select(conversations.c.id).where(conversations.c.updated_at < cutoff))
        removed = _delete_conversations(connection, list(stale.scalars()))
        connection.execute(delete(conversation_turns).where(conversation_turns.c.asked_at < cutoff))
    return removed


def delete_user_history(connection: Connection, username: str) -> None:
    """Everything the history holds for an account (when the account is removed)."""
    owned = connection.execute(select(conversations.c.id).where(conversations.c.username == username))
    _delete_conversations(connection, list(owned.scalars()))


def _delete_conversations(connection: Connection, ids: list[str]) -> int:
    removed = 0
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        connection.execute(delete(conversation_turns).where(conversation_turns.c.conversation_id.in_(batch)))
        result = connection.execute(delete(conversations).where(conversations.c.id.in_(batch)))
        removed += int(result.rowcount or 0)
    return removed


def _owner(connection: Connection, conversation_id: str) -> str | None:
    return connection.execute(
        select(conversations.c.username).where(conversations.c.id == conversation_id)
    ).scalar_one_or_none()


def _title(question: str | None) -> str | None:
    """The first words of the question, cut at a word boundary."""
    if not question:
        return None
    text = " ".join(question.split())
    if len(text) <= TITLE_CHARS:
        return text
    cut = text.rfind(" ", 0, TITLE_CHARS - 1)
    return text[: cut if cut > TITLE_CHARS // 2 else TITLE_CHARS - 1] + "…"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite returns naive datetimes


def _conversation(row: Any) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        created_at=_aware(row["created_at"]),
        updated_at=_aware(row["updated_at"]),
    )
