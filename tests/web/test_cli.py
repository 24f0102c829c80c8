"""`python -m web users ...` and the first-start administrator, against a real SQLite file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from knowledge.settings import EmbedderMode, make_settings
from tests.conftest import PROJECT
from tests.stacks import copy_index
from web.accounts import AccountError, AccountStore, Role, parse_roles
from web.cli import app, ensure_first_admin
from web.db import open_engine

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(tmp_path / "var"), "JHA_EMBEDDER": "hashing"}


def _store(env: dict[str, str]) -> AccountStore:
    """The accounts the CLI wrote: in the data dir's SQLite file, or in JHA_DATABASE_URL's database."""
    return AccountStore(open_engine(make_settings(data_dir=Path(env["JHA_DATA_DIR"])).effective_database_url))


def test_users_add_list_passwd_remove(env: dict[str, str]) -> None:
    result = runner.invoke(
        app,
        ["users", "add", "m.muster", "--role", "fachkraft", "--role", "leitung", "--password", "x" * 12],
        env=env,
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"], env=env).stdout)["users"]
    assert listed == [
        {"username": "m.muster", "roles": ["fachkraft", "leitung"], "created_at": listed[0]["created_at"],
         "login": "passwort", "collections": []}
    ]  # fmt: skip
    store = _store(env)
    assert store.authenticate("m.muster", "x" * 12) is not None

    assert runner.invoke(app, ["users", "passwd", "m.muster", "--password", "y" * 12], env=env).exit_code == 0
    assert store.authenticate("m.muster", "x" * 12) is None
    assert store.authenticate("m.muster", "y" * 12) is not None

    assert runner.invoke(app, ["users", "roles", "m.muster", "--role", "maintainer"], env=env).exit_code == 0
    user = store.get("m.muster")
    assert user is not None and user.roles == frozenset({Role.MAINTAINER})

    assert runner.invoke(app, ["users", "remove", "m.muster"], env=env).exit_code == 0
    assert store.get("m.muster") is None
    assert runner.invoke(app, ["users", "remove", "m.muster"], env=env).exit_code == 4


def test_password_is_prompted_and_stored_as_argon2(env: dict[str, str]) -> None:
    result = runner.invoke(
        app,
        ["users", "add", "leitung1", "--role", "leitung"],
        input="geheim-und-lang\ngeheim-und-lang\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    with _store(env).engine.connect() as connection:
        query = text("SELECT password_hash FROM web_users WHERE username = 'leitung1'")
        stored = connection.execute(query).scalar_one()
    assert stored.startswith("$argon2id$") and "geheim-und-lang" not in stored


def test_bad_input_is_reported_with_exit_code_2(env: dict[str, str]) -> None:
    short = runner.invoke(app, ["users", "add", "a", "--role", "fachkraft", "--password", "kurz"], env=env)
    assert short.exit_code == 2 and "mindestens 12 Zeichen" in short.output
    role = runner.invoke(app, ["users", "add", "a", "--role", "chef", "--password", "x" * 12], env=env)
    assert role.exit_code == 2 and "Unbekannte Rolle" in role.output
    name = runner.invoke(app, ["users", "add", "../x", "--role", "leitung", "--password", "x" * 12], env=env)
    assert name.exit_code == 2
    runner.invoke(app, ["users", "add", "doppelt", "--role", "leitung", "--password", "x" * 12], env=env)
    again = runner.invoke(
        app, ["users", "add", "doppelt", "--role", "leitung", "--password", "x" * 12], env=env
    )
    assert again.exit_code == 2 and "existiert bereits" in again.output


def test_sso_only_accounts_cannot_use_the_password_form(env: dict[str, str]) -> None:
    assert (
        runner.invoke(app, ["users", "add", "sso.user", "--role", "fachkraft", "--sso"], env=env).exit_code
        == 0
    )
    store = _store(env)
    assert store.authenticate("sso.user", "") is None
    assert store.authenticate("sso.user", "irgendein-passwort") is None


def test_first_start_creates_one_admin_with_a_random_password(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(env)
    ensure_first_admin(store)
    printed = capsys.readouterr().out
    password = printed.split("Passwort:", 1)[1].split()[0]
    assert len(password) >= 16
    admin = store.authenticate("admin", password)
    assert admin is not None and admin.roles == frozenset(Role)
    ensure_first_admin(store)  # second start: nothing new, nothing printed
    assert "Passwort" not in capsys.readouterr().out
    assert store.count() == 1


def test_parse_roles_accepts_commas_and_repeats() -> None:
    assert parse_roles(["fachkraft,leitung", "maintainer"]) == frozenset(Role)
    with pytest.raises(AccountError):
        parse_roles([])


def test_serve_creates_the_first_admin_and_serves(indexed_corpus_dir: Path, tmp_path: Path) -> None:
    """`python -m web serve` as `make run` starts it: prints the first password once, then serves."""
    data_dir = tmp_path / "var"
    copy_index(indexed_corpus_dir, make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "JHA_DATA_DIR": str(data_dir), "JHA_EMBEDDER": "hashing"}
    process = subprocess.Popen(
        [sys.executable, "-m", "web", "serve", "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not any("Passwort:" in line for line in lines):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        password = next(line for line in lines if "Passwort:" in line).split("Passwort:")[1].strip()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "Server startete nicht"
            time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            page = client.get("/login").text
            token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
            login = client.post(
                "/login", data={"username": "admin", "password": password, "csrf_token": token}
            )
            assert login.status_code == 303
            assert client.get("/documents").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_explains_an_index_built_with_another_embedder(
    indexed_corpus_dir: Path, tmp_path: Path
) -> None:
    settings = make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING)
    copy_index(indexed_corpus_dir, settings)
    catalog = create_engine(settings.catalog_url)
    with catalog.begin() as connection:
        connection.execute(text("UPDATE meta SET value = 'ein-anderer-embedder' WHERE key = 'embedder_id'"))
    catalog.dispose()
    env = {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}
    result = runner.invoke(app, ["serve"], env=env)
    assert result.exit_code == 3 and "python -m ingest reindex" in result.output


@pytest.mark.parametrize(
    "database",
    [
        ("postgresql+psycopg://postgres:geheim@127.0.0.1:1/jha", "127.0.0.1:1", "nimmt kein Datenbankserver"),
        (
            "postgresql+psycopg://postgres:geheim@127.0.0.1:5432/gibt_es_nicht_jha",
            "127.0.0.1:5432",
            "existiert",
        ),
    ],
)
@pytest.mark.parametrize(
    "command",
    [["web", "serve", "--port", "1"], ["web", "users", "list"], ["assistant", "logs", "export"],
     ["assistant", "ask", "Was regelt § 8a SGB VIII?"]],
)  # fmt: skip
def test_an_unreachable_database_is_one_german_line(
    tmp_path: Path, database: tuple[str, str, str], command: list[str]
) -> None:
    url, host, cause = database
    env = {
        **os.environ,
        "JHA_DATA_DIR": str(tmp_path / "var"),
        "JHA_EMBEDDER": "hashing",
        "JHA_DATABASE_URL": url,
    }
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 3, output
    assert len(output.splitlines()) == 1, output
    assert "JHA_DATABASE_URL" in output and f"Host {host}" in output and cause in output
    assert "geheim" not in output and "Traceback" not in output


def test_users_add_with_collections_and_users_collections(env: dict[str, str]) -> None:
    add = ["users", "add", "a.asd", "--role", "fachkraft", "--collection", "asd", "-c", "kita-aufsicht"]
    result = runner.invoke(app, [*add, "--password", "x" * 12], env=env)
    assert result.exit_code == 0, result.output
    assert "Sammlungen: asd, kita-aufsicht" in result.stdout
    store = _store(env)
    assert store.collections("a.asd") == {"asd", "kita-aufsicht"}

    shown = runner.invoke(app, ["users", "collections", "a.asd"], env=env)
    assert "liest allgemein, asd, kita-aufsicht" in shown.stdout
    runner.invoke(app, ["users", "collections", "a.asd", "asd"], env=env)
    assert store.collections("a.asd") == {"asd"}
    alone = runner.invoke(
        app, ["users", "collections", "a.asd"], env={**env, "JHA_COLLECTION_DEFAULT_FOR_ALL": "false"}
    )
    assert "liest asd." in alone.stdout
    runner.invoke(app, ["users", "collections", "a.asd", "--clear"], env=env)
    assert store.collections("a.asd") == frozenset()

    bad = runner.invoke(app, ["users", "collections", "a.asd", "ASD Team"], env=env)
    assert bad.exit_code == 2 and "Ungültiger Sammlungsname" in bad.output
    assert runner.invoke(app, ["users", "collections", "niemand"], env=env).exit_code == 4
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"], env=env).stdout)
    assert listed["users"][0]["collections"] == []
    store.engine.dispose()
