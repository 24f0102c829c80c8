"""The answer log records the collections an answer drew from; a reviewer's filter keeps only answers
drawn from collections she holds (SQLite and PostgreSQL), also after an update and through the purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.log import AnswerLog, LogFilter
from assistant.models import Answer, AnswerStatus
from tests.assistant.test_log_filter import database_url  # noqa: F401 - both backends


def _record(log: AnswerLog, collections: list[str], *, days_ago: int = 0) -> str:
    answer = Answer(status=AnswerStatus.ANSWERED, text="Antwort", collections=collections)
    answer.question_for_log = "Frage zur Hilfeplanung"
    return log.record(
        answer,
        user_pseudonym=None,
        conversation_pseudonym=None,
        policy_version="test",
        index_version=1,
        asked_at=datetime.now(UTC) - timedelta(days=days_ago),
    )


def test_review_filter_needs_every_collection_of_an_answer(database_url: str) -> None:  # noqa: F811
    log = AnswerLog(database_url)
    general = _record(log, ["allgemein"])
    asd = _record(log, ["asd"])
    both = _record(log, ["allgemein", "asd"])
    nothing = _record(log, [])  # refused: nothing retrieved, every reviewer sees it

    def ids(collections: frozenset[str] | None) -> set[str]:
        filters = LogFilter(collections=collections)
        found = {e.id for e in log.list(filters)}
        assert log.count(filters) == len(found)
        return found

    assert ids(None) == {general, asd, both, nothing}
    assert ids(frozenset({"allgemein"})) == {general, nothing}
    assert ids(frozenset({"allgemein", "asd"})) == {general, asd, both, nothing}
    assert ids(frozenset()) == {nothing}
    entry = log.get(both)
    assert entry is not None and entry.collections == ["allgemein", "asd"]

    updated = Answer(status=AnswerStatus.ANSWERED, text="Neu", collections=["allgemein"])
    log.update(asd, updated)
    assert ids(frozenset({"allgemein"})) == {general, asd, nothing}
    overview = log.overview(datetime.now(UTC).date(), datetime.now(UTC).date(), frozenset({"allgemein"}))
    assert overview.total == 3

    old = _record(log, ["asd"], days_ago=400)
    assert log.purge(180) == 1 and log.get(old) is None
    log.close()
