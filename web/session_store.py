"""Server-side sign-ins: a session lives exactly as long as its row in `web_sessions`.

The signed cookie (web/sessions.py) names the row by a random token. A session ends when its row is
deleted (logout, password or role change, account removed), `max_age` after the login however active it
was, or after `idle` without a request.

>>> store = SessionStore(engine, max_age=timedelta(hours=8), idle=timedelta(hours=2))  # doctest: +SKIP
>>> token = store.start("m.muster")  # doctest: +SKIP
>>> store.is_valid(token, "m.muster")  # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, or_, select, update

from web.db import sessions

# Record activity at most this often: the idle timeout is coarse anyway, and a write per request is not.
_TOUCH_EVERY = timedelta(seconds=60)


class SessionStore:
    def __init__(self, engine: Engine, *, max_age: timedelta, idle: timedelta) -> None:
        self.engine = engine
        self.max_age = max_age
        self.idle = min(idle, max_age)
        self.touch_every = min(_TOUCH_EVERY, self.idle / 10)

    def start(self, username: str) -> str:
        """A new session for the user; the returned token goes into the cookie, its hash into the table."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            # Expired rows are useless; removing them at each login keeps the table small without a job.
            conn.execute(
                delete(sessions).where(
                    or_(sessions.c.created_at < now - self.max_age, sessions.c.last_seen_at < now - self.idle)
                )
            )
            conn.execute(
                insert(sessions).values(
                    token_hash=_hash(token), username=username, created_at=now, last_seen_at=now
                )
            )
        return token

    def is_valid(self, token: object, username: str) -> bool:
        """Whether the cookie's token names a live session of this user; records the activity."""
        if not isinstance(token, str) or not token:
            return False
        key = _hash(token)
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions).where(sessions.c.token_hash == key)).mappings().first()
        if row is None or row["username"] != username:
            return False
        now = datetime.now(UTC)
        created, seen = _aware(row["created_at"]), _aware(row["last_seen_at"])
        if now - created >= self.max_age or now - seen >= self.idle:
            self.end(token)
            return False
        if now - seen >= self.touch_every:
            with self.engine.begin() as conn:
                conn.execute(update(sessions).where(sessions.c.token_hash == key).values(last_seen_at=now))
        return True

    def end(self, token: object) -> None:
        if isinstance(token, str) and token:
            with self.engine.begin() as conn:
                conn.execute(delete(sessions).where(sessions.c.token_hash == _hash(token)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
