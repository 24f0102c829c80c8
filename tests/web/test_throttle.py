"""Login throttling under attack, over HTTP against SQLite and PostgreSQL: parallel guesses, an office
behind one NAT address, forged X-Forwarded-For headers, and no typed name in the failure table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from tests.databases import BACKENDS
from tests.web.conftest import PASSWORD, LiveServer, WebClient
from web.db import login_failures, open_engine

pytestmark = pytest.mark.parametrize("backend", BACKENDS)
WRONG = "falsch-falsch-falsch"


def _login(server: LiveServer, username: str, password: str, **headers: str) -> int:
    web = WebClient(server.url)
    try:
        web.page("/login")
        return web.http.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": web.csrf},
            headers=headers,
        ).status_code
    finally:
        web.close()


def test_parallel_wrong_passwords_are_checked_at_most_limit_times(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    server = server_on(backend, login_max_failures=5)
    with ThreadPoolExecutor(max_workers=60) as pool:
        codes = Counter(pool.map(lambda _: _login(server, "leitung", WRONG), range(60)))
    assert set(codes) <= {401, 429}, codes
    assert 1 <= codes[401] <= 5, f"{codes[401]} von 60 parallelen Versuchen geprüft, erlaubt sind 5"
    # Parallel attempts in flight may refuse each other (a refused one leaves no trace): the guesses
    # still allowed afterwards make up exactly the limit, then the account waits, even for the right one.
    later = 0
    while _login(server, "leitung", WRONG) == 401:
        later += 1
        assert later <= 5
    assert codes[401] + later == 5
    assert _login(server, "leitung", PASSWORD) == 429
    assert _login(server, "pflege", PASSWORD) == 303


def test_one_person_behind_a_shared_address_does_not_lock_out_the_office(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    server = server_on(backend, login_max_failures=5)
    for i in range(20):  # a colleague mistypes, four accounts' worth of failures from the office's address
        assert _login(server, f"tippfehler{i % 4}", WRONG) in (401, 429)
    for name in ("fachkraft", "leitung", "pflege", "admin"):
        assert _login(server, name, PASSWORD) == 303, f"{name} ist ausgesperrt"


def test_the_address_limit_holds_against_spraying_and_forged_forwarded_headers(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    # No trusted proxy: X-Forwarded-For is the client's own claim and must not open a new counter.
    server = server_on(backend, login_max_failures=5, login_max_failures_per_address=6)
    for i in range(6):
        assert _login(server, f"konto{i}", WRONG, **{"X-Forwarded-For": f"10.1.0.{i}"}) == 401
    assert _login(server, "konto9", WRONG, **{"X-Forwarded-For": "10.1.0.99"}) == 429
    assert _login(server, "fachkraft", PASSWORD) == 429  # the address waits, for every account


def test_behind_a_trusted_proxy_each_client_address_has_its_own_counter(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    server = server_on(
        backend, login_max_failures=5, login_max_failures_per_address=3, trusted_proxies="127.0.0.1"
    )
    for i in range(3):
        assert _login(server, f"konto{i}", WRONG, **{"X-Forwarded-For": "10.2.0.1"}) == 401
    assert _login(server, "konto8", WRONG, **{"X-Forwarded-For": "10.2.0.1"}) == 429
    # A forged left-most entry does not help: the proxy appends the real client address on the right.
    assert _login(server, "konto8", WRONG, **{"X-Forwarded-For": "10.9.9.9, 10.2.0.1"}) == 429
    assert _login(server, "fachkraft", PASSWORD, **{"X-Forwarded-For": "10.2.0.2"}) == 303


def test_the_failure_table_keeps_no_typed_name_or_address(
    backend: str, server_on: Callable[..., LiveServer]
) -> None:
    server = server_on(backend)
    typed = "kevin schulz"
    assert _login(server, typed, WRONG) == 401
    assert _login(server, "Kevin Schulz ", WRONG) == 401  # the same account key, whatever the case
    engine = open_engine(server.settings.effective_database_url)
    with engine.connect() as conn:
        keys = [row[0] for row in conn.execute(select(login_failures.c.key))]
    engine.dispose()
    assert len(keys) == 4 and len(set(keys)) == 2, keys
    joined = " ".join(keys).lower()
    for fragment in ("kevin", "schulz", "127.0.0.1"):
        assert fragment not in joined
