"""Decide, record, then stream: a client that drops the answer stream after the first delta still
leaves its answer-log row (policy: every served answer is logged), on `/api/chat` and on
`/v1/chat/completions` with `stream=true` (the official `openai` client).

The server is a real `python -m web serve` process; the test hook `chat:first-delta` holds the stream
after its first delta for good, as a stalled or vanished client would, so nothing written after the
text went out could reach the log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from assistant.log import AnswerLog, LogFilter
from assistant.models import AnswerStatus
from knowledge.settings import make_settings
from tests.assistant.fake_llm import running_llm
from tests.web.conftest import make_web_settings
from tests.web.processes import ServerProcess
from web.apikeys import ApiKeyStore
from web.db import open_engine

QUESTION = "Was tut das Jugendamt, wenn gewichtige Anhaltspunkte für eine Kindeswohlgefährdung vorliegen?"


def _first_delta_then_close(server: ServerProcess) -> str:
    """Ask over SSE, read up to the first `delta` frame, close the connection; returns the frame."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        csrf = server.login(client, "fachkraft")
        with client.stream(
            "POST",
            "/api/chat",
            json={"question": QUESTION},
            headers={"X-CSRF-Token": csrf, "Accept": "text/event-stream"},
        ) as response:
            assert response.status_code == 200
            lines = response.iter_lines()
            for line in lines:
                if line.startswith("event: delta"):
                    return f"{line}\n{next(lines)}"
    raise AssertionError("kein delta im Antwortstrom")


def _first_v1_delta_then_close(server: ServerProcess, key: str) -> str:
    """Ask `/v1` streamed with the `openai` client, read up to the first piece of answer text, close."""
    with openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0, timeout=60) as client:
        stream = client.chat.completions.create(
            model="jugendhilfe-assistent", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
        with stream:
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    return chunk.choices[0].delta.content
    raise AssertionError("kein Antworttext im Strom")


def _api_key(data_dir: Path) -> str:
    engine = open_engine(make_settings(data_dir=data_dir).effective_database_url)
    try:
        return ApiKeyStore(engine).add("skript", "fachkraft")
    finally:
        engine.dispose()


def _logged(data_dir: Path) -> list[AnswerStatus]:
    log = AnswerLog(make_settings(data_dir=data_dir).effective_database_url)
    try:
        return [entry.status for entry in log.list(LogFilter(), limit=10) if entry.question]
    finally:
        log.close()


@pytest.fixture
def data_dir(indexed_corpus_dir: Path, tmp_path: Path) -> Path:
    return make_web_settings(indexed_corpus_dir, tmp_path / "var").data_dir


@pytest.fixture
def llm_url() -> Iterator[str]:
    with running_llm() as (_script, url):
        yield url


def test_builtin_answer_is_logged_when_the_client_leaves_after_the_first_delta(data_dir: Path) -> None:
    server = ServerProcess(data_dir, "chat:first-delta", user="fachkraft")
    try:
        assert "event: delta" in _first_delta_then_close(server)
        # The stream is held after its first delta: the row was written before the text went out.
        assert _logged(data_dir) == [AnswerStatus.ANSWERED]
    finally:
        server.stop()


def test_llm_answer_is_logged_incomplete_when_the_client_leaves_after_the_first_delta(
    data_dir: Path, llm_url: str
) -> None:
    env = {"JHA_LLM_BASE_URL": llm_url, "JHA_LLM_MODEL": "skript"}
    server = ServerProcess(data_dir, "chat:first-delta", user="fachkraft", env=env)
    try:
        frame = _first_delta_then_close(server)
        assert "Jugendamt" in frame
        assert _logged(data_dir) == [AnswerStatus.INCOMPLETE]
    finally:
        server.stop()


def test_v1_stream_answer_is_logged_when_the_client_leaves_after_the_first_delta(data_dir: Path) -> None:
    key = _api_key(data_dir)
    server = ServerProcess(data_dir, "chat:first-delta", user="fachkraft")
    try:
        assert _first_v1_delta_then_close(server, key)
        assert _logged(data_dir) == [AnswerStatus.ANSWERED]
    finally:
        server.stop()


def test_v1_stream_llm_answer_is_logged_incomplete_when_the_client_leaves_after_the_first_delta(
    data_dir: Path, llm_url: str
) -> None:
    key = _api_key(data_dir)
    env = {"JHA_LLM_BASE_URL": llm_url, "JHA_LLM_MODEL": "skript"}
    server = ServerProcess(data_dir, "chat:first-delta", user="fachkraft", env=env)
    try:
        assert "Jugendamt" in _first_v1_delta_then_close(server, key)
        assert _logged(data_dir) == [AnswerStatus.INCOMPLETE]
    finally:
        server.stop()


def test_llm_answer_completes_its_row_when_the_stream_finishes(data_dir: Path, llm_url: str) -> None:
    env = {"JHA_LLM_BASE_URL": llm_url, "JHA_LLM_MODEL": "skript"}
    server = ServerProcess(data_dir, user="fachkraft", env=env)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            csrf = server.login(client, "fachkraft")
            body = client.post(
                "/api/chat",
                json={"question": QUESTION},
                headers={"X-CSRF-Token": csrf, "Accept": "text/event-stream"},
            ).text
        assert "event: done" in body
        deadline = time.monotonic() + 10
        while _logged(data_dir) != [AnswerStatus.ANSWERED]:
            assert time.monotonic() < deadline, _logged(data_dir)
            time.sleep(0.1)
    finally:
        server.stop()
