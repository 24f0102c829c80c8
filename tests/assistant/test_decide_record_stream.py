"""Decide, record, then stream (in process): the log row exists before the first piece of text goes
out, whatever the consumer does after it. Over HTTP: tests/web/test_stream_disconnect.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.log import LogFilter
from assistant.models import AnswerStatus
from assistant.service import Assistant
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings, make_settings
from tests.assistant.fake_llm import running_llm

ANSWERED = "Was muss das Jugendamt bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung tun?"
ABSTAINED = "Wie hoch ist die Hundesteuer für einen Dackel in Musterstadt?"


def _first_delta_only(assistant: Assistant, question: str) -> list[AnswerStatus]:
    """Stop consuming at the first delta and close the stream, as a dropped connection does."""
    events = assistant.stream(question, conversation_id="gespraech-1", user="fachkraft")
    for event in events:
        if event.kind == "delta":
            break
    events.close()
    return [entry.status for entry in assistant.answer_log.list(LogFilter(), limit=10)]


@pytest.mark.parametrize(
    ("question", "status"), [(ANSWERED, AnswerStatus.ANSWERED), (ABSTAINED, AnswerStatus.ABSTAINED)]
)
def test_builtin_answer_is_logged_before_its_first_delta(
    assistant: Assistant, question: str, status: AnswerStatus
) -> None:
    assert _first_delta_only(assistant, question) == [status]


@pytest.fixture
def llm_assistant(corpus_settings: Settings, assistant: Assistant) -> Iterator[Assistant]:
    with running_llm() as (_script, url):
        settings = make_settings(
            data_dir=corpus_settings.data_dir,
            embedder=corpus_settings.embedding.mode,
            llm_base_url=url,
            llm_model="skript-modell",
            llm_timeout_seconds=5,
        )
        service = Assistant(settings, KnowledgeIndex.open(settings), assistant.answer_log, assistant.gate)
        yield service
        service.close()  # the shared log's engine is disposed twice: harmless


def test_llm_answer_is_logged_incomplete_with_what_was_sent_when_the_stream_is_closed(
    llm_assistant: Assistant,
) -> None:
    assert _first_delta_only(llm_assistant, ANSWERED) == [AnswerStatus.INCOMPLETE]
    (entry,) = llm_assistant.answer_log.list(LogFilter(), limit=1)
    assert "Gefährdungsrisiko" in entry.answer  # the first statement, as it was sent
    assert entry.question


def test_llm_answer_row_is_completed_when_the_stream_ends(llm_assistant: Assistant) -> None:
    answer = llm_assistant.ask(ANSWERED, conversation_id="gespraech-2", user="fachkraft")
    assert answer.mode == "llm:skript-modell"
    entries = llm_assistant.answer_log.list(LogFilter(), limit=10)
    assert [(e.id, e.status) for e in entries] == [(answer.log_id, AnswerStatus.ANSWERED)]
    assert entries[0].answer == answer.text and entries[0].citations
