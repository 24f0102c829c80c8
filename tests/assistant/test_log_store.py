"""The answer log against SQLite and, where configured (CI), the PostgreSQL on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assistant.log import AnswerLog, LogFilter, Verdict
from assistant.log.export import excel_csv
from assistant.models import Answer, AnswerStatus, Citation

POSTGRES_URL = os.environ.get("JHA_TEST_DATABASE_URL")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in ("audit", "reviews", "feedback", "answers", "alembic_version"):
            connection.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def answer_log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnswerLog]:
    if request.param == "sqlite":
        log = AnswerLog(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    else:
        if not POSTGRES_URL:
            if os.environ.get("CI"):
                pytest.fail("JHA_TEST_DATABASE_URL fehlt: in CI laufen die Tests auch gegen PostgreSQL")
            pytest.skip("JHA_TEST_DATABASE_URL nicht gesetzt (CI setzt es)")
        _reset_postgres(POSTGRES_URL)
        log = AnswerLog(POSTGRES_URL)
    yield log
    log.close()
    if request.param == "postgresql" and POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)


def _answer(status: AnswerStatus = AnswerStatus.ANSWERED, rules: list[str] | None = None) -> Answer:
    citation = Citation(
        n=1, document_id="laws-2026-sgb8-md", chunk_id="c1", source="laws/2026/sgb8.md", title="SGB VIII",
        type="law", date=None, section="§ 8a Schutzauftrag", paragraph="§ 8a", absatz="1", law="SGB VIII",
        version_state=None, superseded_by=None, quote="…", label="§ 8a Abs. 1 SGB VIII",
    )  # fmt: skip
    return Answer(
        status=status,
        text="Kurz gesagt: … [1]",
        citations=[citation] if status is AnswerStatus.ANSWERED else [],
        rules=rules or ["ki-kennzeichnung"],
        question_for_log="Was regelt § 8a?" if status is not AnswerStatus.REFUSED else None,
    )


def _record(log: AnswerLog, answer: Answer, **kwargs: object) -> str:
    return log.record(
        answer,
        user_pseudonym="p1",
        conversation_pseudonym="c1",
        policy_version="1.0",
        index_version=3,
        **kwargs,
    )  # type: ignore[arg-type]


def test_record_filter_feedback_review(answer_log: AnswerLog) -> None:
    answered = _record(answer_log, _answer())
    refused = _record(answer_log, _answer(AnswerStatus.REFUSED, ["ki-kennzeichnung", "falldaten-sperre"]))
    assert answer_log.count(LogFilter()) == 2
    assert [e.id for e in answer_log.list(LogFilter(status=AnswerStatus.REFUSED))] == [refused]
    assert [e.id for e in answer_log.list(LogFilter(rule="falldaten-sperre"))] == [refused]

    assert answer_log.add_feedback(
        answered, helpful=False, source_mismatch=True, comment="Quelle passt nicht"
    )
    assert [e.id for e in answer_log.list(LogFilter(negative_feedback=True))] == [answered]
    assert answer_log.add_review(
        answered, reviewer="leitung1", verdict=Verdict.UNVOLLSTAENDIG, comment="fehlt § 8b"
    )
    assert [e.id for e in answer_log.list(LogFilter(unreviewed=True))] == [refused]

    entry = answer_log.get(answered)
    assert entry is not None
    assert entry.citations[0]["label"] == "§ 8a Abs. 1 SGB VIII"
    assert entry.reviews[0].verdict == "unvollstaendig"
    assert entry.feedback[0].source_mismatch is True
    trail = answer_log.audit_trail()
    assert (trail[0].actor, trail[0].action, trail[0].target) == ("leitung1", "review", answered)
    assert answer_log.get(refused).question is None  # type: ignore[union-attr]


def test_export_and_overview(answer_log: AnswerLog) -> None:
    _record(answer_log, _answer())
    _record(answer_log, _answer(AnswerStatus.ABSTAINED))
    csv_text = excel_csv(answer_log.list(LogFilter()))
    assert csv_text.splitlines()[0].startswith("\ufeffid;zeit;frage;status")
    assert len(list(csv.reader(io.StringIO(csv_text[1:]), delimiter=";"))) == 3
    today = datetime.now(UTC).date()
    overview = answer_log.overview(today - timedelta(days=6), today)
    assert overview.total == 2 and overview.abstention_rate == 0.5
    assert overview.per_day[-1][1:] == (2, 1, 1, 0)
    assert overview.top_documents[0][0] == "laws-2026-sgb8-md"
    assert overview.unanswered[0][0] == "Was regelt § 8a?"


def test_purge_removes_entries_past_retention(answer_log: AnswerLog) -> None:
    old = _record(answer_log, _answer(), asked_at=datetime.now(UTC) - timedelta(days=200))
    answer_log.add_feedback(old, helpful=True)
    recent = _record(answer_log, _answer())
    assert answer_log.purge(180) == 1
    assert [e.id for e in answer_log.list(LogFilter())] == [recent]


def test_concurrent_writes_are_not_lost(answer_log: AnswerLog) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda _: _record(answer_log, _answer()), range(120)))
    assert len(set(ids)) == 120
    assert answer_log.count(LogFilter()) == 120


@pytest.mark.postgres
def test_many_request_threads_share_a_few_connections(tmp_path: Path) -> None:
    """40 threads (the web server's request threads) write at once: every row arrives, over no more
    connections than the engine's pool allows (four workers with two engines each must stay well
    under PostgreSQL's 100)."""
    from sqlalchemy import event

    from knowledge.database import POOL_OVERFLOW, POOL_SIZE

    if not POSTGRES_URL:
        pytest.fail("JHA_TEST_DATABASE_URL fehlt: dieser Test läuft gegen PostgreSQL")
    _reset_postgres(POSTGRES_URL)
    log = AnswerLog(POSTGRES_URL)
    # The pool's bound is on connections open at once: an overflow connection returned to a full pool
    # is closed and a later one opened anew, so the number of connects over a run may exceed it.
    counting = threading.Lock()
    open_now = [0]
    peak = [0]

    def opened(_connection: object, _record: object) -> None:
        with counting:
            open_now[0] += 1
            peak[0] = max(peak[0], open_now[0])

    def closed(_connection: object, _record: object) -> None:
        with counting:
            open_now[0] -= 1

    log.engine.pool.dispose()  # count from none: the migration's connection is gone
    event.listen(log.engine, "connect", opened)
    event.listen(log.engine, "close", closed)
    try:
        with ThreadPoolExecutor(40) as pool:
            ids = list(pool.map(lambda _n: _record(log, _answer()), range(400)))
        assert len(set(ids)) == 400
        with log.engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM answers")).scalar_one() == 400
        assert 0 < peak[0] <= POOL_SIZE + POOL_OVERFLOW
    finally:
        log.close()
        _reset_postgres(POSTGRES_URL)
