"""Which answer-log entries make up a chat conversation (ids only; the texts stay in the answer log)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select

from web.db import conversation_turns

MAX_TURNS_SHOWN = 20
# A conversation is a working session; after a day its transcript is no longer needed.
KEEP_FOR = timedelta(days=1)


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)


class ConversationTurns:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(self, conversation_id: str, log_id: str) -> None:
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                insert(conversation_turns).values(
                    conversation_id=conversation_id, log_id=log_id, created_at=now
                )
            )
            conn.execute(delete(conversation_turns).where(conversation_turns.c.created_at < now - KEEP_FOR))

    def log_ids(self, conversation_id: str) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(conversation_turns.c.log_id)
                .where(conversation_turns.c.conversation_id == conversation_id)
                .order_by(conversation_turns.c.id.desc())
                .limit(MAX_TURNS_SHOWN)
            ).all()
        return [str(row[0]) for row in reversed(rows)]

    def contains(self, conversation_id: str, log_id: str) -> bool:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(conversation_turns.c.id).where(
                    conversation_turns.c.conversation_id == conversation_id,
                    conversation_turns.c.log_id == log_id,
                )
            ).first()
        return row is not None
