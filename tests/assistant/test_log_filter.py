"""Every write path of the answer log passes the storage filter, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.gate import Filtered
from assistant.log import AnswerLog, LogFilter, Verdict
from assistant.log.export import excel_csv
from assistant.models import Answer, AnswerStatus
from tests.assistant.test_log_store import POSTGRES_URL, _reset_postgres

UNKNOWN = "Quappenbach"  # no German word: stored as [?]
QUESTION = f"Darf ich {UNKNOWN} zur Erziehungsberatung schicken?"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.fail("JHA_TEST_DATABASE_URL fehlt (PostgreSQL unter 127.0.0.1)")
    _reset_postgres(POSTGRES_URL)
    yield POSTGRES_URL
    _reset_postgres(POSTGRES_URL)


def _everything_stored(log: AnswerLog) -> str:
    with log.engine.connect() as connection:
        rows = [
            " ".join(str(value) for value in row)
            for table in ("answers", "feedback", "reviews", "audit")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        ]
    return "\n".join(rows)


def _write_everywhere(log: AnswerLog) -> None:
    answer = Answer(status=AnswerStatus.ANSWERED, text="Kurz gesagt: …", question_for_log=QUESTION)
    answer.search_query = f"{QUESTION} {QUESTION}"
    log_id = log.record(
        answer, user_pseudonym="u", conversation_pseudonym="c", policy_version="1.1", index_version=1
    )
    assert log.add_feedback(log_id, helpful=False, comment=f"{UNKNOWN} wurde falsch beraten")
    assert log.add_review(log_id, reviewer="leitung", verdict=Verdict.FEHLERHAFT, comment=f"Fall {UNKNOWN}")
    log.audit(actor="pflege", action="document_upload", detail=f"bericht-{UNKNOWN}.md: neu indexiert")


def test_the_log_filters_what_a_caller_forgot_to(database_url: str) -> None:
    log = AnswerLog(database_url)  # no filter handed in: the dictionary alone vouches
    try:
        _write_everywhere(log)
        stored = _everything_stored(log)
        assert UNKNOWN not in stored and UNKNOWN.lower() not in stored.lower()
        entry = log.list(LogFilter())[0]
        assert entry.question == "Darf ich [?] zur Erziehungsberatung schicken?"
        assert entry.feedback[0].comment == "[?] wurde falsch beraten"
        assert entry.reviews[0].comment == "Fall [?]"
        assert "[?]" in excel_csv(log.list(LogFilter()))
    finally:
        log.close()


def test_the_log_uses_the_filter_it_is_given(database_url: str) -> None:
    seen: list[str] = []

    class Recording:
        def clean(self, value: str) -> Filtered:
            seen.append(value)
            return Filtered(value.replace(UNKNOWN, "[?]"), (UNKNOWN,), 1, 1)

    log = AnswerLog(database_url, text_filter=Recording())
    try:
        _write_everywhere(log)
        assert len(seen) == 5  # question, search query, feedback, review, audit detail
        assert UNKNOWN not in _everything_stored(log)
    finally:
        log.close()
