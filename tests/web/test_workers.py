"""Several workers and several servers on the server stack (Chroma server + PostgreSQL, a database
created for the run), all real processes on loopback:

- `web serve --workers 2`: a session and the login throttle hold across the workers;
- the secret file is created race-free by processes starting together;
- two `web serve` processes see a document that a third process (`ingest add`) adds within 2 s, and
  no longer see it after `ingest remove` (per channel, vector and lexical: test_index_processes).
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.secrets import server_secret
from knowledge.settings import EmbedderMode, make_settings
from tests.knowledge.test_index_processes import environment, ingest
from tests.stacks import ServerStack
from tests.web.conftest import PASSWORD
from tests.web.processes import ServerProcess
from web.accounts import AccountStore, Role
from web.db import open_engine
from web.settings import WebSettings

NOTICE_SECONDS = 2.0
# Two workers build their gate and index at once: minutes on a busy 2-core machine.
WORKERS_START_SECONDS = 600
WORD = "Zauberwortbeistandschaft"

pytestmark = pytest.mark.server_stack


@pytest.fixture
def stack_settings(server_stack: ServerStack, tmp_path: Path) -> Iterator[WebSettings]:
    place = server_stack.place()
    settings = WebSettings(
        data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING, login_max_failures=3, **place.overrides
    )
    accounts = AccountStore(open_engine(settings.effective_database_url))
    accounts.add("fachkraft", frozenset({Role.FACHKRAFT}), password=PASSWORD)
    accounts.add("leitung", frozenset({Role.LEITUNG}), password=PASSWORD)
    accounts.engine.dispose()
    yield settings
    server_stack.release(place)


def _env(settings: WebSettings) -> dict[str, str]:
    return {**environment(settings), "JHA_LOGIN_MAX_FAILURES": str(settings.login_max_failures)}


@pytest.fixture
def two_workers(stack_settings: WebSettings) -> Iterator[ServerProcess]:
    server = ServerProcess(
        stack_settings.data_dir,
        user="fachkraft",
        env=_env(stack_settings),
        args=["--workers", "2"],
        start_seconds=WORKERS_START_SECONDS,
    )
    yield server
    server.stop()


def _login(server: ServerProcess, name: str, password: str) -> int:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        page = client.get("/login").text
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        return client.post(
            "/login", data={"username": name, "password": password, "csrf_token": token}
        ).status_code


def test_two_workers_share_sessions_and_the_login_throttle(two_workers: ServerProcess) -> None:
    server = two_workers
    workers = {
        line.split("[", 1)[1].split("]", 1)[0] for line in server.lines if "Started server process" in line
    }
    assert len(workers) == 2, "".join(server.lines)
    # Each request on a new connection: the supervisor's socket hands them to either worker.
    for _ in range(20):
        with httpx.Client(base_url=server.url, cookies=server.client.cookies, timeout=60) as fresh:
            assert fresh.get("/policy").status_code == 200
    codes = [_login(server, "leitung", "falsch") for _ in range(6)]
    assert codes.count(401) == 3 and codes[3:] == [429, 429, 429], codes
    assert _login(server, "leitung", PASSWORD) == 429  # locked on every worker, even the right password


def _make_secret(data_dir: str, start: float, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    while time.time() < start:
        pass
    results.put(server_secret(make_settings(data_dir=Path(data_dir))))


def test_the_secret_file_is_created_once_by_processes_starting_together(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start = time.time() + 3
    processes = [context.Process(target=_make_secret, args=(str(tmp_path), start, results)) for _ in range(6)]
    for process in processes:
        process.start()
    secrets = {results.get(timeout=60) for _ in processes}
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert len(secrets) == 1 and len(next(iter(secrets))) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def _found(server: ServerProcess, document_id: str) -> bool:
    response = server.client.post(
        "/api/chat",
        json={"question": f"Was regelt die {WORD}?"},
        headers={"X-CSRF-Token": server.csrf, "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    cited = {c["document_id"] for c in answer["citations"]} | {
        s["document_id"] for s in answer["suggestions"]
    }
    return document_id in cited


def _eventually(check: object, seconds: float = NOTICE_SECONDS) -> float:
    started = time.monotonic()
    while not check():  # type: ignore[operator]
        assert time.monotonic() - started < seconds, f"nicht binnen {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_two_servers_see_what_a_third_process_ingests_and_removes(stack_settings: WebSettings) -> None:
    docs = stack_settings.data_dir.parent / "docs"
    docs.mkdir()
    (docs / "vorhanden.md").write_text(
        "---\ntitle: Vollzeitpflege\ntype: workshop\n---\n## Beratung\nDie Pflegeperson wird beraten.\n",
        encoding="utf-8",
    )
    ingest(stack_settings, "add", str(docs / "vorhanden.md"))
    servers = [
        ServerProcess(stack_settings.data_dir, user="fachkraft", env=_env(stack_settings)) for _ in range(2)
    ]
    try:
        path = docs / "zauber.md"
        path.write_text(
            "---\ntitle: Zauberregel\ntype: workshop\n---\n## Antrag\n"
            f"Die {WORD} regelt das Jugendamt auf schriftlichen Antrag der Eltern.\n",
            encoding="utf-8",
        )
        assert not any(_found(server, "docs-zauber-md") for server in servers)
        ingest(stack_settings, "add", str(path))
        listed = ingest(stack_settings, "list", "--json")
        (document_id,) = [d["id"] for d in json.loads(listed)["documents"] if d["title"] == "Zauberregel"]
        for server in servers:
            _eventually(lambda server=server: _found(server, document_id))
        ingest(stack_settings, "remove", document_id)
        for server in servers:
            _eventually(lambda server=server: not _found(server, document_id))
    finally:
        for server in servers:
            server.stop()
