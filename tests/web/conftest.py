"""The real web app, served by uvicorn on 127.0.0.1 over a copy of the indexed corpus, and HTTP clients
that log in like a browser (form post with the CSRF token from the page)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from knowledge.settings import EmbedderMode
from tests.databases import postgres_url, reset_database
from tests.stacks import copy_index
from web.accounts import AccountStore, Role
from web.app import create_app
from web.db import open_engine
from web.settings import WebSettings

PASSWORD = "ein-langes-testpasswort"
USERS = {
    "fachkraft": {Role.FACHKRAFT},
    "leitung": {Role.LEITUNG},
    "pflege": {Role.MAINTAINER},
    "admin": set(Role),
}
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass
class LiveServer:
    url: str
    settings: WebSettings
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_server(settings: WebSettings, log_level: str = "warning") -> LiveServer:
    """uvicorn in a thread on a socket bound here (port 0: the OS picks a free one, no race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), log_level=log_level, proxy_headers=False, timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("Der Webserver ist nicht gestartet.")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", settings, server, thread)


def make_web_settings(source: Path, target: Path, **overrides: Any) -> WebSettings:
    """Settings over a private copy of the indexed corpus in the settings' stack, with the test accounts."""
    settings = WebSettings(data_dir=target, embedder=EmbedderMode.HASHING, **overrides)
    copy_index(source, settings)
    accounts = AccountStore(open_engine(settings.effective_database_url))
    for name, roles in USERS.items():
        accounts.add(name, frozenset(roles), password=PASSWORD)
    accounts.engine.dispose()
    return settings


@pytest.fixture
def server_on(request: pytest.FixtureRequest, indexed_corpus_dir: Path, tmp_path: Path) -> Iterator[Any]:
    """`server_on("postgresql", login_max_failures=5)`: a fresh server over SQLite or PostgreSQL."""
    started: list[LiveServer] = []
    databases: list[str] = []

    def start(backend: str, **overrides: Any) -> LiveServer:
        if backend == "postgresql":
            url = postgres_url()
            reset_database(url)
            databases.append(url)
            overrides["database_url"] = url
        settings = make_web_settings(indexed_corpus_dir, tmp_path / f"var{len(started)}", **overrides)
        server = start_server(settings)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    for url in databases:
        reset_database(url)


@pytest.fixture(scope="module")
def live_server(
    indexed_corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory, module_stack: dict[str, str]
) -> Iterator[LiveServer]:
    settings = make_web_settings(indexed_corpus_dir, tmp_path_factory.mktemp("web") / "var", **module_stack)
    server = start_server(settings)
    yield server
    server.stop()


class WebClient:
    """An httpx client that behaves like the browser pages: cookies, CSRF token, login form."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=120)
        self.csrf = ""

    def close(self) -> None:
        self.http.close()

    def page(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.get(path, **kwargs)
        match = _CSRF_META.search(response.text)
        if match:
            self.csrf = match.group(1)
        return response

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        self.page("/login")
        return self.http.post(
            "/login", data={"username": username, "password": password, "csrf_token": self.csrf}
        )

    def form(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def json(self, path: str, body: dict[str, Any], **headers: str) -> httpx.Response:
        return self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf, **headers})

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[WebClient]:
    web = WebClient(live_server.url)
    yield web
    web.close()


@pytest.fixture
def as_user(live_server: LiveServer) -> Iterator[Any]:
    """`as_user("leitung")`: a logged-in client for one of the test accounts."""
    clients: list[WebClient] = []

    def login(name: str) -> WebClient:
        web = WebClient(live_server.url)
        clients.append(web)
        response = web.login(name)
        assert response.status_code == 303, response.text
        web.page("/policy")  # a page of the signed-in session, for its CSRF token
        return web

    yield login
    for web in clients:
        web.close()


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    import json

    events = []
    for frame in text.split("\n\n"):
        if not frame.strip():
            continue
        name, data = "message", []
        for line in frame.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        events.append((name, json.loads("\n".join(data)) if data else {}))
    return events
