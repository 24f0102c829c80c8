"""Day one: the first start says on the console, and the empty documents page says over HTTP, what to do
next (sign in, create accounts, import laws, sync the office's folder); with laws indexed, neither does.
Also: CLI changes made on the server appear on the Prüfprotokoll page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from ingest.cli import app as ingest_app
from knowledge.settings import EmbedderMode
from tests.web.conftest import PASSWORD, WebClient, make_web_settings, start_server
from web.accounts import AccountStore, Role
from web.db import open_engine
from web.settings import WebSettings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _console_until(data_dir: Path, marker: str, timeout: float = 180) -> str:
    """`python -m web serve` in a real process; its console output up to `marker`, then it is stopped."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "PYTHONUNBUFFERED": "1",
        "JHA_DATA_DIR": str(data_dir),
        "JHA_EMBEDDER": "hashing",
    }
    command = [sys.executable, "-m", "web", "serve", "--port", str(_free_port())]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            seen.append(line)
            if marker in line:
                return "".join(seen)
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
    raise AssertionError(f"{marker!r} nicht in der Konsolenausgabe:\n{''.join(seen)}")


def test_first_start_prints_the_next_steps(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    first = _console_until(data_dir, "ingest sync")
    assert "Erstes Administratorkonto angelegt" in first
    for expected in (
        "Erste Schritte:",
        "als admin mit dem Passwort oben anmelden",
        "python -m web users add NAME --role fachkraft",
        "python -m ingest laws import",
        "gesetze-im-internet.de",
        "python -m ingest sync /srv/jugendamt/wissen",
    ):
        assert expected in first, expected
    assert first.index("Passwort:") < first.index("Erste Schritte:")

    # Second start: the account exists, the knowledge base is still empty — only its steps remain.
    second = _console_until(data_dir, "ingest sync")
    assert "Erstes Administratorkonto" not in second and "users add" not in second
    assert "1. Gesetze importieren" in second and "Die Wissensbasis ist leer" in second


def test_empty_documents_page_says_what_to_do(tmp_path: Path) -> None:
    settings = WebSettings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING)
    accounts = AccountStore(open_engine(settings.effective_database_url))
    accounts.add("pflege", frozenset({Role.MAINTAINER}), password=PASSWORD)
    accounts.engine.dispose()
    server = start_server(settings)
    web = WebClient(server.url)
    try:
        assert web.login("pflege").status_code == 303
        page = web.page("/documents")
        assert page.status_code == 200
        text = page.text
        assert "Erste Schritte" in text and "Die Wissensbasis ist leer" in text
        assert "<code>python -m ingest laws import sgb_8.zip kkg.zip …</code>" in text
        assert "<code>python -m ingest sync /srv/jugendamt/wissen</code>" in text
    finally:
        web.close()
        server.stop()


def test_no_hint_once_laws_are_indexed(as_user: Callable[[str], WebClient]) -> None:
    page = as_user("pflege").page("/documents").text
    assert "Dokumente der Wissensbasis" in page and "Erste Schritte" not in page


def test_cli_changes_appear_on_the_audit_page(indexed_corpus_dir: Path, tmp_path: Path) -> None:
    settings = make_web_settings(indexed_corpus_dir, tmp_path / "var")
    folder = tmp_path / "amtsordner"
    folder.mkdir()
    (folder / "mitteilung.txt").write_text(
        "Neue Sprechzeiten des Jugendamtes\n\nAb dem ersten Oktober berät der Allgemeine Soziale Dienst "
        "dienstags und donnerstags auch am Nachmittag. Termine werden telefonisch vereinbart.\n",
        encoding="utf-8",
    )
    env = {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}
    runner = CliRunner()
    assert runner.invoke(ingest_app, ["sync", str(folder)], env=env).exit_code == 0
    (folder / "mitteilung.txt").rename(folder / "umbenannt.txt")
    assert runner.invoke(ingest_app, ["sync", str(folder)], env=env).exit_code == 0
    assert runner.invoke(ingest_app, ["remove", "amtsordner-mitteilung-txt"], env=env).exit_code == 0

    server = start_server(settings)
    web = WebClient(server.url)
    try:
        assert web.login("leitung").status_code == 303
        page = web.page("/review/audit").text
        for label in (
            "Dokument hinzugefügt",
            "Dokument verschoben",
            "Ordner abgeglichen",
            "Dokument entfernt",
        ):
            assert label in page, label
        assert "(Kommandozeile)" in page and "amtsordner-mitteilung-txt" in page
    finally:
        web.close()
        server.stop()
