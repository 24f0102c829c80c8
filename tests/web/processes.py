"""`python -m web serve` as a real process on a free port, logged in like a browser (form post with the
CSRF token from the page); its output is read line by line in a thread."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import PROJECT
from tests.web.conftest import PASSWORD

TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """`ServerProcess(data_dir, user="fachkraft", env={"JHA_CHROMA_URL": ...}, args=["--workers", "2"])`."""

    def __init__(
        self,
        data_dir: Path,
        pause_at: str = "",
        *,
        user: str = "pflege",
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
        start_seconds: float = TIMEOUT,
    ) -> None:
        self.port = free_port()
        environment = {
            **os.environ,
            "JHA_DATA_DIR": str(data_dir),
            "JHA_EMBEDDER": "hashing",
            "JHA_TEST_PAUSE_AT": pause_at,
        }
        environment.update(env or {})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "web", "serve", "--port", str(self.port), *(args or [])],
            cwd=PROJECT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert self.process.poll() is None and time.monotonic() < deadline, "".join(self.lines)
            time.sleep(0.1)
        self.client = httpx.Client(base_url=self.url, timeout=TIMEOUT)
        self.csrf = self.login(self.client, user)

    def login(self, client: httpx.Client, user: str) -> str:
        """Sign `client` in as `user`; returns the CSRF token of the signed-in session."""
        page = client.get("/login").text
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        login = client.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token})
        assert login.status_code == 303, login.text
        page = client.get("/policy").text
        return page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def upload(self, name: str, content: bytes) -> httpx.Response:
        return self.client.post(
            "/documents/upload",
            data={"csrf_token": self.csrf},
            files={"file": (name, content, "application/octet-stream")},
        )

    def upload_in_background(self, name: str, content: bytes) -> None:
        def send() -> None:
            with contextlib.suppress(httpx.TransportError):  # the server is killed while it waits
                self.upload(name, content)

        threading.Thread(target=send, daemon=True).start()

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None and time.monotonic() < deadline, "".join(self.lines)
            time.sleep(0.02)

    def kill(self) -> None:
        self.client.close()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
