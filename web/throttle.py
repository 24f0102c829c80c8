"""Login throttling kept in the database, so it holds across several web workers and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select

from web.db import login_failures

# An address may fail more often than a single account: an office shares one NAT address.
_ADDRESS_FACTOR = 4


class LoginThrottle:
    """`LoginThrottle(engine, max_failures=5, window_seconds=900).blocked_for("name", "10.0.0.7")`"""

    def __init__(self, engine: Engine, *, max_failures: int, window_seconds: int) -> None:
        self.engine = engine
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_seconds)

    def blocked_for(self, username: str, address: str) -> int:
        """Seconds until the next attempt is allowed; 0 when not blocked."""
        now = datetime.now(UTC)
        since = now - self.window
        waits = []
        for key, limit in (
            (_user_key(username), self.max_failures),
            (_ip_key(address), self.max_failures * _ADDRESS_FACTOR),
        ):
            with self.engine.connect() as conn:
                count, oldest = conn.execute(
                    select(func.count(), func.min(login_failures.c.failed_at)).where(
                        login_failures.c.key == key, login_failures.c.failed_at > since
                    )
                ).one()
            if count >= limit and oldest is not None:
                oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
                waits.append(max(1, int((oldest + self.window - now).total_seconds()) + 1))
        return max(waits, default=0)

    def record_failure(self, username: str, address: str) -> None:
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                insert(login_failures),
                [{"key": _user_key(username), "failed_at": now}, {"key": _ip_key(address), "failed_at": now}],
            )
            # Old rows say nothing any more; pruning here keeps the table small without a cron job.
            conn.execute(delete(login_failures).where(login_failures.c.failed_at < now - self.window))

    def clear(self, username: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.key == _user_key(username)))


def _user_key(username: str) -> str:
    return f"user:{username.strip().lower()[:120]}"


def _ip_key(address: str) -> str:
    return f"ip:{address}"
