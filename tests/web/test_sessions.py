"""Sessions end on the server: logout, password and role changes, an absolute lifetime and an idle timeout.

Each test runs against SQLite and PostgreSQL. Elapsed time is simulated by moving the stored login and
last-activity times of a session back in the database; the server compares them with its own clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from tests.databases import BACKENDS
from tests.web.conftest import PASSWORD, LiveServer, WebClient
from web.accounts import AccountStore, Role
from web.db import open_engine, sessions

pytestmark = pytest.mark.parametrize("backend", BACKENDS)


def _signed_in(server: LiveServer, name: str = "fachkraft") -> WebClient:
    web = WebClient(server.url)
    assert web.login(name).status_code == 303
    web.page("/policy")
    return web


def _copy(server: LiveServer, web: WebClient) -> httpx.Client:
    """Another client holding the same cookie, as an attacker who copied it would."""
    return httpx.Client(base_url=server.url, cookies={"jha_session": web.http.cookies["jha_session"]})


def _age_sessions(
    server: LiveServer, *, login: timedelta = timedelta(), activity: timedelta = timedelta()
) -> int:
    """Move every stored session's login and last-activity time into the past."""
    engine = open_engine(server.settings.effective_database_url)
    with engine.begin() as conn:
        rows = conn.execute(select(sessions)).mappings().all()
        for row in rows:  # computed here: SQLite has no date arithmetic on its stored timestamps
            conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == row["token_hash"])
                .values(created_at=row["created_at"] - login, last_seen_at=row["last_seen_at"] - activity)
            )
    engine.dispose()
    return len(rows)


def test_a_copied_cookie_is_rejected_after_logout(backend: str, server_on: Callable[..., LiveServer]) -> None:
    server = server_on(backend)
    web = _signed_in(server)
    thief = _copy(server, web)
    try:
        assert thief.get("/chat").status_code == 200  # the copy works while the session lives
        assert web.form("/logout").status_code == 303
        accepted = sum(thief.get(path).status_code == 200 for path in ("/chat", "/policy", "/limits"))
        assert accepted == 0, f"{accepted} Anfragen mit dem kopierten Cookie nach dem Abmelden angenommen"
        api = thief.get("/api/answers")
        assert api.status_code == 401
        other = _signed_in(server, "leitung")  # other people's sessions go on
        assert other.get("/review").status_code == 200
    finally:
        thief.close()
        web.close()


def test_password_change_role_change_and_removal_end_sessions(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    server = server_on(backend)
    accounts = AccountStore(open_engine(server.settings.effective_database_url))
    accounts.add("wechsel", frozenset({Role.LEITUNG, Role.FACHKRAFT}), password=PASSWORD)
    bystander = _signed_in(server, "leitung")
    web = _signed_in(server, "wechsel")
    assert web.get("/review").status_code == 200
    accounts.set_password("wechsel", "ein-ganz-neues-passwort")
    assert web.get("/chat").status_code == 303
    assert web.login("wechsel", "ein-ganz-neues-passwort").status_code == 303
    assert web.get("/chat").status_code == 200
    accounts.set_roles("wechsel", frozenset({Role.FACHKRAFT}))
    # The session ends with the role change: also pages the remaining role could open need a new login.
    assert web.get("/chat").status_code == 303
    assert web.login("wechsel", "ein-ganz-neues-passwort").status_code == 303
    assert web.get("/review").status_code == 403 and web.get("/chat").status_code == 200
    accounts.remove("wechsel")
    assert web.get("/chat").status_code == 303
    assert bystander.get("/review").status_code == 200
    accounts.engine.dispose()
    web.close()
    bystander.close()


def test_an_active_session_ends_at_its_absolute_lifetime(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    server = server_on(backend, session_max_age_seconds=300, session_idle_seconds=300)
    web = _signed_in(server)
    # Logged in 420 s ago and active all along (last request a second ago): the sliding cookie alone would
    # keep this session alive; the absolute limit since login must not.
    assert _age_sessions(server, login=timedelta(seconds=420)) == 1
    response = web.get("/chat")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/chat"
    assert _signed_in(server).get("/chat").status_code == 200  # a new login starts a new lifetime


def test_a_session_idle_longer_than_the_idle_timeout_ends(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    server = server_on(backend, session_max_age_seconds=3600, session_idle_seconds=600)
    web = _signed_in(server)
    _age_sessions(server, login=timedelta(seconds=590), activity=timedelta(seconds=590))
    assert web.get("/chat").status_code == 200  # within the idle timeout: the request counts as activity
    _age_sessions(server, login=timedelta(seconds=30), activity=timedelta(seconds=590))
    assert web.get("/chat").status_code == 200  # 1,210 s since login, never idle for 600 s
    _age_sessions(server, activity=timedelta(seconds=610))
    assert web.get("/chat").status_code == 303
