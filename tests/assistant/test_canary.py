"""Policy rule 2 end to end: planted case data reaches no disk, no database, no log and no output.

Every canary question goes through `assistant ask` (JSON and text), feedback and verdict comments and
the log export; and through the running web app: the chat without JavaScript (form post), the chat
with JavaScript (Chromium, and its stream endpoint), the JSON API, feedback and verdict forms and the
document search. Both gate actions, the answer log in SQLite and in PostgreSQL. Then the data dir, the
temp dir, every table of the database, the captured stdout/stderr and the server log (uvicorn's access
and error log at DEBUG) are searched for every planted value: zero hits. Some questions are written
so that the gate does not see their case data (checked below): the storage filter must catch those.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from assistant.cli import app
from assistant.gate import CaseDataGate
from assistant.log import AnswerLog, LogFilter, Verdict
from assistant.service import Assistant
from knowledge.catalog_copy import copy_catalog
from knowledge.settings import EmbedderMode, GateAction, Settings, make_settings
from tests.assistant.test_log_store import POSTGRES_URL

# (question, planted values): each value must be found nowhere afterwards.
DETECTED = [
    (
        "Herr Zyprianus Quackenbusch, geb. 17.03.2013, wohnt im Quappenweg 17 in Unna. "
        "Hat er Anspruch auf Hilfe zur Erziehung?",
        ["Zyprianus", "Quackenbusch", "17.03.2013", "Quappenweg"],
    ),
    (
        "Die Mutter ist unter 0176 98765432 oder zyprianus.q@example.org erreichbar – "
        "darf ich ihr Elterngeldinfos schicken?",
        ["0176 98765432", "017698765432", "zyprianus.q@example.org"],
    ),
    (
        "Zahlung an IBAN DE89 3704 0044 0532 0130 00 zu Az. 51.2-7781/25: Kostenbeitrag richtig berechnet?",
        ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "7781/25"],
    ),
    ("Der Vater fährt das Auto UN-QX 4711. Darf das Jugendamt die Polizei informieren?", ["QX 4711"]),
    # The spellings that reached the answer log before issue #10.
    ("wendelgard pfropfhuber hat heute angerufen, darf ich zurückrufen?", ["wendelgard", "pfropfhuber"]),
    ("Kann ich W. Pfropfhuber zur Erziehungsberatung schicken?", ["Pfropfhuber"]),
    ("Das Kind (*03/04/2015) lebt bei Familie Quackenbusch.", ["03/04/2015", "Quackenbusch"]),
    ("Rückzahlung an de89 3704 0044 0532 0130 00 bitte prüfen.", ["de89 3704 0044 0532 0130 00"]),
    ("Stand im Vorgang 51-2024-0815? Es geht um den Kostenbeitrag.", ["51-2024-0815", "2024-0815"]),
    ("Die Nummer 15 070649 C 103 gehört dem Vater. Greift das UVG?", ["15 070649 C 103", "070649"]),
    (
        "Sie ist unter null eins sieben sechs neun acht sieben sechs fünf vier drei zwei erreichbar.",
        ["null eins sieben sechs neun acht sieben sechs fünf vier drei zwei"],
    ),
    ("Sie schrieb von wendel punkt quast at example punkt org.", ["wendel punkt quast at example punkt org"]),
    ("Die Familie wohnt in der Quappenallee siebzehn, 44137 Dortmund.", ["Quappenallee", "44137 Dortmund"]),
]
# The gate sees nothing identifying in these (asserted below); only the storage filter stands between
# them and the disk.
UNDETECTED = [
    ("Was kann ich tun, wenn Quappenbach nicht mehr in die Kita kommt?", ["Quappenbach"]),
    ("Darf ich zyprianowski ohne die Eltern zur Beratung schicken?", ["zyprianowski"]),
    ("Die Unterlagen zu QX7-Z9K4 fehlen noch, was nun?", ["QX7-Z9K4"]),
    ("Die Mutter heißt Wendeltraut und möchte beraten werden.", ["Wendeltraut"]),
    ("Die Nummer 4471 1980 23 steht im Bescheid. Ist das richtig?", ["4471 1980 23"]),
]
CANARIES = DETECTED + UNDETECTED
VALUES = sorted({v for _, values in CANARIES for v in values}, key=len, reverse=True)


def hits(haystack: str) -> list[str]:
    """Every planted value found in `haystack`, compared in lower case and without blanks too."""
    lower, compact = haystack.lower(), re.sub(r"\s+", "", haystack.lower())
    return [v for v in VALUES if v.lower() in lower or re.sub(r"\s+", "", v.lower()) in compact]


def files_text(*roots: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for root in roots for p in root.rglob("*") if p.is_file()
    )


def database_text(url: str) -> str:
    """Every row of every table of the database, as text."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return "\n".join(
                " ".join(str(value) for value in row)
                for table in inspect(connection).get_table_names()
                for row in connection.execute(text(f'SELECT * FROM "{table}"'))
            )
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None (SQLite under the data dir) or a fresh PostgreSQL database, dropped afterwards."""
    if request.param == "sqlite":
        yield None
        return
    if not POSTGRES_URL:
        pytest.fail("JHA_TEST_DATABASE_URL fehlt (PostgreSQL unter 127.0.0.1)")
    base = make_url(POSTGRES_URL)
    name = f"jha_canary_{uuid.uuid4().hex[:12]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _NotTheTestsOwnClient(logging.Filter):
    """The test drives the server with httpx, which logs every request URL it sends; the server itself
    makes no HTTP requests here (no LLM configured), so httpx's records are the client's, not the app's."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(("httpx", "httpcore"))


@pytest.fixture
def server_log(tmp_path: Path) -> Iterator[Path]:
    """Everything logged anywhere at DEBUG, uvicorn's access and error log included, into one file."""
    path = tmp_path / "server.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.addFilter(_NotTheTestsOwnClient())
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield path
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)
    handler.close()


def test_the_undetected_questions_are_really_missed_by_the_gate(shared_gate: CaseDataGate) -> None:
    """Otherwise the canary would not test the storage filter."""
    for question, _ in UNDETECTED:
        assert not shared_gate.check(question).found, question
    for question, _ in DETECTED:
        assert shared_gate.check(question).found, question


@pytest.mark.parametrize("gate_action", ["refuse", "redact"])
def test_canaries_are_nowhere_after_the_cli(
    *,
    corpus_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    server_log: Path,
    database_url: str | None,
    gate_action: str,
) -> None:
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp_dir))
    if database_url:  # with PostgreSQL the catalog lives there: the corpus index goes there too
        copy_catalog(corpus_settings.catalog_url, database_url)
    env = {
        "JHA_DATA_DIR": str(corpus_settings.data_dir),
        "JHA_EMBEDDER": "hashing",
        "JHA_GATE_ACTION": gate_action,
        "JHA_DATABASE_URL": database_url or "",
    }
    runner = CliRunner()
    batch = tmp_path / "fragen.jsonl"
    batch.write_text(
        "".join(
            json.dumps({"id": n, "question": q}, ensure_ascii=False) + "\n"
            for n, (q, _) in enumerate(CANARIES)
        ),
        encoding="utf-8",
    )
    outputs = []
    # Every question once as JSON (--batch: one process), once as text (one process each).
    for args in (["ask", "--batch", str(batch)], *(["ask", question] for question, _ in CANARIES)):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout + result.stderr)
    # Feedback and verdict comments quoting the case, through the same service the web app uses.
    settings = make_settings(
        data_dir=corpus_settings.data_dir,
        embedder=EmbedderMode.HASHING,
        gate_action=GateAction(gate_action),
        database_url=database_url,
    )
    assistant = Assistant.build(settings)
    try:
        log_ids = [e.id for e in assistant.answer_log.list(LogFilter(), limit=100)]
        assert len(log_ids) == 2 * len(CANARIES)
        for log_id, (question, _) in zip(log_ids, CANARIES, strict=False):
            assert assistant.feedback(log_id, user="", helpful=False, comment=question)  # CLI: no user
            assert assistant.review(log_id, reviewer="leitung", verdict=Verdict.FEHLERHAFT, comment=question)
    finally:
        assistant.close()
    for fmt in ("csv", "json"):
        export = runner.invoke(app, ["logs", "export", "--format", fmt], env=env)
        outputs.append(export.stdout)
    assert outputs[-1].count('"id"') >= 2 * len(CANARIES)

    captured = capfd.readouterr()
    where = {
        "Ausgabe": "\n".join(outputs) + captured.out + captured.err,
        "Log": server_log.read_text(encoding="utf-8"),
        "Datenverzeichnis": files_text(corpus_settings.data_dir, temp_dir),
        "Datenbank": database_text(database_url or settings.effective_database_url),
    }
    assert {place: hits(haystack) for place, haystack in where.items()} == {place: [] for place in where}


@pytest.mark.parametrize("gate_action", ["refuse", "redact"])
def test_canaries_are_nowhere_after_the_web_app(
    *,
    indexed_corpus_dir: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    server_log: Path,
    database_url: str | None,
    gate_action: str,
) -> None:
    from tests.assistant.canary_web import exercise_web_app

    data_dir = tmp_path / "var"
    settings = exercise_web_app(indexed_corpus_dir, data_dir, CANARIES, gate_action, database_url)
    captured = capfd.readouterr()
    # uvicorn's own log (as `web serve` configures it) goes to stdout/stderr: it was on, and it is clean.
    assert '"GET /documents?… HTTP/1.1" 200' in captured.out + captured.err
    where = {
        "Ausgabe": captured.out + captured.err,
        "Server-Log": server_log.read_text(encoding="utf-8"),
        "Datenverzeichnis": files_text(data_dir),
        "Datenbank": database_text(settings.effective_database_url),
    }
    assert {place: hits(haystack) for place, haystack in where.items()} == {place: [] for place in where}
    # The checks above can fail: the log did receive every question (as placeholders).
    log = AnswerLog(settings.effective_database_url)
    try:
        assert log.count(LogFilter()) >= 3 * len(CANARIES)
    finally:
        log.close()


def test_the_grep_would_find_a_planted_value(tmp_path: Path) -> None:
    """Control: the search above is not blind (compact and lower-case forms included)."""
    (tmp_path / "x.txt").write_text("… de89370400440532013000 … QUAPPENBACH …", encoding="utf-8")
    found = hits(files_text(tmp_path))
    assert "DE89 3704 0044 0532 0130 00" in found and "Quappenbach" in found
