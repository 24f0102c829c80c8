"""Issue 14.3: deadlines that hold against an endpoint that trickles keep-alives, and a call limit that
keeps the web server answering. Every test talks to a real scripted server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.gate import CaseDataGate
from assistant.log import AnswerLog
from assistant.models import AnswerStatus, NoticeKind
from assistant.policy.texts import LLM_BUSY_TEXT, LLM_TIMEOUT_TEXT, LLM_WAITING_TEXT
from assistant.service import AnswerEvent, Assistant
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings, make_settings
from tests.assistant.fake_llm import ScriptedLlm, running_llm

QUESTION = "Was muss das Jugendamt bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung tun?"
# Deadlines count from the question's arrival; this is the time for the waiting thread to wake and
# yield the fallback notice on a busy 2-core machine.
SLACK = 0.25


@pytest.fixture
def llm_server(shared_gate: CaseDataGate) -> Iterator[tuple[ScriptedLlm, str]]:
    shared_gate.check("Frau Test")  # built now, not inside the first timed answer
    with running_llm() as server:
        yield server


def open_assistant(base: Settings, url: str, gate: CaseDataGate, **llm: Any) -> Assistant:
    settings = make_settings(
        data_dir=base.data_dir,
        embedder=base.embedding.mode,
        llm_base_url=url,
        llm_model="skript-modell",
        **llm,
    )
    return Assistant(
        settings, KnowledgeIndex.open(settings), AnswerLog(settings.effective_database_url), gate
    )


def timed_events(assistant: Assistant) -> list[tuple[float, AnswerEvent]]:
    started = time.monotonic()
    return [(time.monotonic() - started, event) for event in assistant.stream(QUESTION)]


def fallback_at(events: list[tuple[float, AnswerEvent]]) -> tuple[float, str]:
    seconds, event = next((t, e) for t, e in events if e.data.get("kind") == NoticeKind.LLM_FALLBACK.value)
    return seconds, event.data["text"]


def wait_for(condition: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_keepalive_trickle_falls_back_at_the_first_token_deadline(
    corpus_settings: Settings, shared_gate: CaseDataGate, llm_server: tuple[ScriptedLlm, str]
) -> None:
    script, url = llm_server
    script.mode = "trickle"
    assistant = open_assistant(
        corpus_settings, url, shared_gate, llm_first_token_seconds=2.0, llm_total_seconds=6.0
    )
    try:
        events = timed_events(assistant)
    finally:
        assistant.close()
    seconds, text = fallback_at(events)
    print(f"\nZeit bis zur Ersatzantwort (erstes Wort, Frist 2 s): {seconds:.2f} s")
    assert seconds <= 2.0 + SLACK
    assert text == LLM_TIMEOUT_TEXT
    progress = [e for _t, e in events if e.kind == "progress"]
    assert progress and all(e.data["text"] == LLM_WAITING_TEXT for e in progress)
    done = events[-1][1]
    assert done.kind == "done" and done.answer is not None
    assert done.answer.mode == "builtin" and done.answer.status is AnswerStatus.ANSWERED
    # The deadline closed the connection: nothing keeps trickling into a forgotten socket.
    assert wait_for(lambda: script.open_trickles == 0 and script.closed_trickles == 1)


def test_token_drip_falls_back_at_the_total_deadline(
    corpus_settings: Settings, shared_gate: CaseDataGate, llm_server: tuple[ScriptedLlm, str]
) -> None:
    script, url = llm_server
    script.mode = "drip"
    assistant = open_assistant(
        corpus_settings, url, shared_gate, llm_first_token_seconds=1.0, llm_total_seconds=3.0
    )
    try:
        events = timed_events(assistant)
    finally:
        assistant.close()
    seconds, text = fallback_at(events)
    print(f"\nZeit bis zur Ersatzantwort (ganze Antwort, Frist 3 s): {seconds:.2f} s")
    assert 2.5 < seconds <= 3.0 + SLACK and text == LLM_TIMEOUT_TEXT
    assert not any(e.kind == "delta" and "Bitte" in e.data["text"] for _t, e in events)
    assert wait_for(lambda: script.open_trickles == 0)


def test_full_pool_falls_back_at_once_and_frees_its_slot(
    corpus_settings: Settings, shared_gate: CaseDataGate, llm_server: tuple[ScriptedLlm, str]
) -> None:
    script, url = llm_server
    script.mode = "trickle"
    assistant = open_assistant(
        corpus_settings,
        url,
        shared_gate,
        llm_first_token_seconds=3.0,
        llm_total_seconds=6.0,
        llm_max_concurrent=1,
    )
    try:
        first: list[list[tuple[float, AnswerEvent]]] = []
        waiting = threading.Thread(target=lambda: first.append(timed_events(assistant)))
        waiting.start()
        assert wait_for(lambda: script.open_trickles == 1)
        second = timed_events(assistant)
        seconds, text = fallback_at(second)
        assert seconds < 1.0 and text == LLM_BUSY_TEXT
        assert len(script.requests) == 1  # the second question never reached the model
        waiting.join(timeout=10)
        assert fallback_at(first[0])[1] == LLM_TIMEOUT_TEXT
        # The timed-out call gave its slot back: the next question is answered by the model again.
        script.mode = "proper"
        answer = assistant.ask(QUESTION)
        assert answer.mode == "llm:skript-modell" and answer.citations
    finally:
        assistant.close()
