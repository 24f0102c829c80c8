"""Answers through the APIs land in the asker's conversation history like chat answers: `/api/chat`
(JSON and stream, session user) and `/v1/chat/completions` (the official `openai` client, plain and
streamed, the key's account), through the storage filter. Over real HTTP."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import openai
import pytest

from tests.web.conftest import LiveServer, WebClient, sse_events
from tests.web.test_chat import CASE_DATA, IDENTIFIERS
from tests.web.test_history import FIRST, SECOND, UNKNOWN, _listed, _login, _stored_history
from tests.web.test_openai_api import MODEL, _cli, _extension

FILTERED = f"Darf ich {UNKNOWN} zur Erziehungsberatung schicken?"
REFUSED_NOTE = "Frage nicht gespeichert – sie enthielt personenbezogene Angaben."
SHOWN = FILTERED.replace(UNKNOWN, "[?]")
_QUESTION_TEXT = re.compile(r'<p class="question-text[^"]*">([^<]*)</p>')


def _new_key(server: LiveServer, name: str) -> str:
    result = _cli(server, "apikeys", "add", name, "--user", "fachkraft")
    assert result.exit_code == 0, result.output
    return str(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def web(live_server: LiveServer) -> Iterator[WebClient]:
    client = _login(live_server, "fachkraft")
    yield client
    client.close()


def _questions(web: WebClient, conversation: str) -> list[str]:
    """The questions of one of the user's conversations as the chat shows them, oldest first."""
    page = web.get(f"/chat/c/{conversation}")
    assert page.status_code == 200, page.text
    return [html.unescape(q) for q in _QUESTION_TEXT.findall(page.text)]


def test_api_chat_json_and_stream_are_recorded_in_the_session_users_history(
    live_server: LiveServer, web: WebClient
) -> None:
    web.form("/chat/new")
    done = web.json("/api/chat", {"question": FILTERED}, Accept="application/json").json()
    conversation = done["conversation_id"]
    streamed = web.json(
        "/api/chat", {"question": FIRST, "conversation_id": conversation}, Accept="text/event-stream"
    )
    kind, last = sse_events(streamed.text)[-1]
    assert kind == "done" and last["conversation_id"] == conversation and "html" not in last
    assert _listed(web.get("/chat").text)[0] == (conversation, SHOWN)
    assert _questions(web, conversation) == [SHOWN, FIRST]
    assert UNKNOWN not in _stored_history(live_server)


def test_v1_answers_land_in_the_key_owners_history_one_conversation_per_key_and_first_question(
    live_server: LiveServer, web: WebClient
) -> None:
    key, other_key = _new_key(live_server, "verlauf-a"), _new_key(live_server, "verlauf-b")
    api = openai.OpenAI(base_url=live_server.url + "/v1", api_key=key, max_retries=0, timeout=120)
    first = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": FILTERED}])
    text = first.choices[0].message.content or ""
    history = [
        {"role": "user", "content": FILTERED},
        {"role": "assistant", "content": text},
        {"role": "user", "content": SECOND},
    ]
    chunks = list(api.chat.completions.create(model=MODEL, messages=history, stream=True))  # type: ignore[arg-type]
    conversation = _extension(first)["conversation_id"]
    assert chunks[-1].model_extra["jugendhilfe"]["conversation_id"] == conversation
    assert _questions(web, conversation) == [SHOWN, SECOND]
    # Another client of the same person with the same first question: a conversation of its own.
    other = openai.OpenAI(base_url=live_server.url + "/v1", api_key=other_key, max_retries=0, timeout=120)
    apart = other.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": FILTERED}])
    assert _extension(apart)["conversation_id"] != conversation
    assert _questions(web, _extension(apart)["conversation_id"]) == [SHOWN]
    # A refused case question: the turn is kept, the question is not.
    refused = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": CASE_DATA}])
    assert _extension(refused)["status"] == "refused"
    assert _questions(web, _extension(refused)["conversation_id"]) == [REFUSED_NOTE]
    stored = _stored_history(live_server)
    for value in (UNKNOWN, *IDENTIFIERS):
        assert value not in stored, value
    # Nobody else sees these conversations.
    leitung = _login(live_server, "leitung")
    assert leitung.get(f"/chat/c/{conversation}").status_code in (403, 404)
    leitung.close()
    api.close()
    other.close()
