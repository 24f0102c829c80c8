"""API keys for other clients (`python -m web apikeys add NAME --user USER`).

A key stands for its account: it carries the account's current roles, and removing the account or
revoking the key stops it at once. Only the key's SHA-256 is stored; the key is shown once.

>>> store = ApiKeyStore(engine)  # doctest: +SKIP
>>> key = store.add("open-webui", "m.muster")  # doctest: +SKIP
>>> store.username_for(key)  # doctest: +SKIP
'm.muster'
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from web.accounts import AccountError
from web.db import api_keys

KEY_PREFIX = "jha-"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Record the last use at most this often: it is for the administrator's overview, not an audit trail.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiKey:
    name: str
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiKeyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, name: str, username: str) -> str:
        """A new key for the account; the returned key is never stored and cannot be shown again."""
        if not _NAME.match(name):
            raise AccountError(
                "Schlüsselname: 1–64 Zeichen, Buchstaben, Ziffern und . _ - (nicht am Anfang)."
            )
        with self.engine.connect() as conn:
            if conn.execute(select(api_keys.c.name).where(api_keys.c.name == name)).first():
                raise AccountError(f"Einen Schlüssel {name!r} gibt es bereits.")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(
                    name=name, key_hash=_hash(key), username=username, created_at=datetime.now(UTC)
                )
            )
        return key

    def list(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.name)).mappings().all()
        return [
            ApiKey(
                name=row["name"],
                username=row["username"],
                created_at=_aware(row["created_at"]),
                last_used_at=_optional(row["last_used_at"]),
                revoked_at=_optional(row["revoked_at"]),
            )
            for row in rows
        ]

    def revoke(self, name: str) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(api_keys)
                .where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            ).rowcount
        if not changed:
            raise AccountError(f"Kein aktiver Schlüssel {name!r}.")

    def username_for(self, key: str) -> str | None:
        """The account of an active key, or None (unknown or revoked); records the use."""
        if not key.startswith(KEY_PREFIX):
            return None
        digest = _hash(key)
        with self.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.key_hash == digest)).mappings().first()
        # The lookup is by hash, so timing reveals nothing about the key; compare anyway for clarity.
        if row is None or row["revoked_at"] is not None or not hmac.compare_digest(row["key_hash"], digest):
            return None
        now = datetime.now(UTC)
        last = _optional(row["last_used_at"])
        if last is None or now - last >= _TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(update(api_keys).where(api_keys.c.name == row["name"]).values(last_used_at=now))
        return str(row["username"])


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


def _optional(value: datetime | None) -> datetime | None:
    return None if value is None else _aware(value)
