"""Local accounts: username, argon2 hash, roles. Managed with `python -m web users ...`.

>>> store = AccountStore(open_engine(settings.effective_database_url))  # doctest: +SKIP
>>> store.add("m.muster", {Role.FACHKRAFT}, password="lang-und-geheim-genug")  # doctest: +SKIP
>>> store.authenticate("m.muster", "lang-und-geheim-genug").roles  # doctest: +SKIP
frozenset({<Role.FACHKRAFT: 'fachkraft'>})
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from web.db import oidc_identities, sessions, user_collections, users
from web.history import delete_user_history

MIN_PASSWORD_LENGTH = 12
# Each argon2 hash takes 64 MiB for its moment (argon2-cffi's default memory cost). Staff signing in
# at once, up to the server's 40 request threads, took a worker's peak memory from 0.4 to 2.9 GiB; this
# many hashes at a time per process keep it at ~0.5 GiB, and a queue of logins costs no more CPU.
CONCURRENT_HASHES = 2
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class Role(StrEnum):
    FACHKRAFT = "fachkraft"
    LEITUNG = "leitung"
    MAINTAINER = "maintainer"

    @property
    def label(self) -> str:
        return {"fachkraft": "Fachkraft", "leitung": "Leitung", "maintainer": "Pflege der Wissensbasis"}[
            self.value
        ]


class AccountError(ValueError):
    """A user-facing problem with an account operation; the message is German."""


@dataclass(frozen=True)
class User:
    username: str
    roles: frozenset[Role]
    created_at: datetime
    has_password: bool
    # The collections granted to the account, read with it by `AccountStore.get` (None: not read): a
    # request that checks the account and then what it reads needs one query, not two.
    collections: frozenset[str] | None = field(default=None, compare=False)

    def has(self, role: Role) -> bool:
        return role in self.roles


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    roles: set[Role] = set()
    for value in values:
        for part in value.split(","):
            name = part.strip().lower()
            if not name:
                continue
            try:
                roles.add(Role(name))
            except ValueError as exc:
                allowed = ", ".join(r.value for r in Role)
                raise AccountError(f"Unbekannte Rolle {name!r} (erlaubt: {allowed}).") from exc
    if not roles:
        raise AccountError("Mindestens eine Rolle angeben (fachkraft, leitung, maintainer).")
    return frozenset(roles)


def generate_password() -> str:
    return secrets.token_urlsafe(15)


class AccountStore:
    def __init__(self, engine: Engine, *, concurrent_hashes: int = CONCURRENT_HASHES) -> None:
        self.engine = engine
        self._hasher = PasswordHasher()
        self._hashing = threading.BoundedSemaphore(concurrent_hashes)
        # Verifying against this when the user does not exist keeps the response time the same, so the
        # login form does not reveal which usernames exist.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(users)).scalar_one())

    def get(self, username: str) -> User | None:
        """The account with its granted collections (one query: a row per collection, or one row with
        none)."""
        query = (
            select(users, user_collections.c.collection)
            .select_from(users.outerjoin(user_collections, user_collections.c.username == users.c.username))
            .where(users.c.username == username)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        if not rows:
            return None
        granted = frozenset(row["collection"] for row in rows if row["collection"] is not None)
        return replace(_user(rows[0]), collections=granted)

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.username)).mappings().all()
        return [_user(row) for row in rows]

    def add(self, username: str, roles: frozenset[Role], *, password: str | None) -> User:
        """Create an account; password None makes an SSO-only account that cannot use the login form."""
        if not _USERNAME.match(username):
            raise AccountError(
                "Benutzername: 1–64 Zeichen, Buchstaben, Ziffern und . _ @ - (nicht am Anfang)."
            )
        if self.get(username) is not None:
            raise AccountError(f"Das Konto {username!r} existiert bereits.")
        with self.engine.begin() as conn:
            conn.execute(
                insert(users).values(
                    username=username,
                    password_hash=None if password is None else self._hash(password),
                    roles=",".join(sorted(r.value for r in roles)),
                    created_at=datetime.now(UTC),
                    session_version=1,
                )
            )
        user = self.get(username)
        assert user is not None
        return user

    def set_password(self, username: str, password: str) -> None:
        """New password; every session of the account ends (whoever knew the old one is signed out)."""
        hashed = self._hash(password)
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(users).where(users.c.username == username).values(password_hash=hashed)
            ).rowcount
            _end_sessions(conn, username)
        if not changed:
            raise AccountError(f"Kein Konto {username!r}.")

    def set_roles(self, username: str, roles: frozenset[Role]) -> None:
        """New roles; every session of the account ends, so the next one starts with the new roles."""
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(roles=",".join(sorted(r.value for r in roles)))
            ).rowcount
            _end_sessions(conn, username)
        if not changed:
            raise AccountError(f"Kein Konto {username!r}.")

    def collections(self, username: str) -> frozenset[str]:
        """Collections granted to the account (`users collections` or the identity provider's groups)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(user_collections.c.collection).where(user_collections.c.username == username)
            )
            return frozenset(row[0] for row in rows)

    def set_collections(self, username: str, collections: frozenset[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(user_collections).where(user_collections.c.username == username))
            if collections:
                conn.execute(
                    insert(user_collections),
                    [{"username": username, "collection": name} for name in sorted(collections)],
                )

    def bound_to(self, issuer: str, subject: str) -> str | None:
        """The account of the identity provider's person (issuer, subject), if she signed in before."""
        query = select(oidc_identities.c.username).where(
            oidc_identities.c.issuer == issuer, oidc_identities.c.subject == subject
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def is_bound(self, username: str) -> bool:
        query = select(oidc_identities.c.username).where(oidc_identities.c.username == username)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def bind(self, username: str, issuer: str, subject: str) -> None:
        """Tie the account to the provider's person; raises IntegrityError when either is taken."""
        with self.engine.begin() as conn:
            conn.execute(insert(oidc_identities).values(issuer=issuer, subject=subject, username=username))

    def remove(self, username: str) -> None:
        with self.engine.begin() as conn:
            removed = conn.execute(delete(users).where(users.c.username == username)).rowcount
            conn.execute(delete(user_collections).where(user_collections.c.username == username))
            conn.execute(delete(oidc_identities).where(oidc_identities.c.username == username))
            _end_sessions(conn, username)
            delete_user_history(conn, username)
        if not removed:
            raise AccountError(f"Kein Konto {username!r}.")

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password matches, else None (same work either way)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        stored = row["password_hash"] if row is not None else None
        try:
            with self._hashing:
                self._hasher.verify(stored or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or stored is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._hashing:
                rehashed = self._hasher.hash(password)
            with self.engine.begin() as conn:
                conn.execute(update(users).where(users.c.username == username).values(password_hash=rehashed))
        return _user(row)

    def _hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
        with self._hashing:
            return self._hasher.hash(password)


def _end_sessions(conn: Connection, username: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.username == username))


def _user(row: object) -> User:
    data = dict(row)  # type: ignore[call-overload]
    created = data["created_at"]
    if created.tzinfo is None:  # SQLite hands back naive datetimes
        created = created.replace(tzinfo=UTC)
    return User(
        username=data["username"],
        roles=frozenset(Role(r) for r in data["roles"].split(",") if r),
        created_at=created,
        has_password=data["password_hash"] is not None,
    )
