"""The server stack for tests and benchmarks: `chroma run` on a free loopback port and a PostgreSQL
database created for the run (dropped at its end), so `make test` and `make bench` need nothing
started beforehand."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

CHROMA = Path(sys.executable).parent / "chroma"
START_SECONDS = 60


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port P` (the chromadb package's server)."""

    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log = directory.parent / f"{directory.name}.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [str(CHROMA), "run", "--path", str(directory), "--host", "127.0.0.1", "--port", str(port)],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"chroma run startete nicht: {self.log.read_text(errors='replace')}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


def database_server_url() -> str:
    url = os.environ.get("JHA_TEST_DATABASE_URL")
    if not url:
        raise RuntimeError("JHA_TEST_DATABASE_URL fehlt: der Server-Stapel läuft gegen PostgreSQL")
    return url


class RunDatabase:
    """A database of its own on the test PostgreSQL server for this run: `jha_run_<random>`, empty or a
    copy of `template` (a database nobody is connected to; copying is faster than migrating)."""

    def __init__(self, server_url: str, template: str | None = None) -> None:
        base = make_url(server_url)
        self.name = f"jha_run_{secrets.token_hex(4)}"
        self._admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        copy = f' TEMPLATE "{template}"' if template else ""
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"{copy}'))
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._admin.dispose()


def unique_collection() -> str:
    return f"t{secrets.token_hex(6)}"
