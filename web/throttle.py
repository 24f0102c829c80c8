"""Login throttling kept in the database, so it holds across several web workers and restarts.

Every attempt is recorded (and committed) *before* its password is checked, and is then admitted only if
the rows committed so far for its account and its address stay within their limits. The k-th attempt to
commit sees at least k rows, so of any number of parallel guesses at most `max_failures` are checked —
on SQLite and PostgreSQL alike, without locks. A refused attempt deletes its rows again (waiting does
not prolong the wait); a successful one deletes its own rows and the account's earlier failures.

Keys are HMACs with a key derived from the server secret: the table never holds a typed name (which may
be a client's name typed into the wrong field) or an address.

>>> throttle = LoginThrottle(engine, secret, max_failures=5, max_address_failures=100, window_seconds=900)
>>> attempt = throttle.admit("m.muster", "10.0.0.7")  # doctest: +SKIP
>>> attempt.wait_seconds  # 0: go ahead and check the password  # doctest: +SKIP
0
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select

from web.db import login_failures


@dataclass(frozen=True)
class Attempt:
    account_key: str
    row_ids: tuple[int, ...]
    wait_seconds: int  # > 0: refused, try again in this many seconds


class LoginThrottle:
    def __init__(
        self,
        engine: Engine,
        secret: bytes,
        *,
        max_failures: int,
        max_address_failures: int,
        window_seconds: int,
    ) -> None:
        self.engine = engine
        self._key = hmac.new(secret, b"jha-web-login-throttle", hashlib.sha256).digest()
        self.max_failures = max_failures
        self.max_address_failures = max_address_failures
        self.window = timedelta(seconds=window_seconds)

    def admit(self, username: str, address: str) -> Attempt:
        """Record the attempt, then decide: check the password (wait 0) or refuse (wait > 0)."""
        now = datetime.now(UTC)
        limits = {
            self._hash("u", username.strip().casefold()): self.max_failures,
            self._hash("a", address): self.max_address_failures,
        }
        with self.engine.begin() as conn:
            # Old rows say nothing any more; pruning here keeps the table small without a cron job.
            conn.execute(delete(login_failures).where(login_failures.c.failed_at < now - self.window))
            ids = tuple(_insert(conn, key, now) for key in limits)
        # A new transaction: it sees every attempt committed so far, this one included.
        waits = []
        with self.engine.connect() as conn:
            for key, limit in limits.items():
                count, oldest = conn.execute(
                    select(func.count(), func.min(login_failures.c.failed_at)).where(
                        login_failures.c.key == key, login_failures.c.failed_at > now - self.window
                    )
                ).one()
                if count > limit:
                    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
                    waits.append(max(1, int((oldest + self.window - now).total_seconds()) + 1))
        account_key = next(iter(limits))
        if waits:
            self._delete_rows(ids)
            return Attempt(account_key, (), max(waits))
        return Attempt(account_key, ids, 0)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: this attempt was no failure, and the account's counter starts over."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(login_failures).where(
                    or_(login_failures.c.id.in_(attempt.row_ids), login_failures.c.key == attempt.account_key)
                )
            )

    def forget_plain_keys(self) -> int:
        """Delete rows from before keys were hashed ("user:<typed name>", "ip:<address>")."""
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(login_failures).where(
                    or_(login_failures.c.key.like("user:%"), login_failures.c.key.like("ip:%"))
                )
            )
        return int(result.rowcount or 0)

    def _delete_rows(self, ids: tuple[int, ...]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.id.in_(ids)))

    def _hash(self, kind: str, value: str) -> str:
        return f"{kind}:" + hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _insert(conn: Connection, key: str, at: datetime) -> int:
    primary_key = conn.execute(insert(login_failures).values(key=key, failed_at=at)).inserted_primary_key
    assert primary_key is not None
    return int(primary_key[0])
