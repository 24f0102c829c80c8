"""The OpenAI-compatible API (/v1) driven by the official `openai` client against the server over HTTP,
with keys made by `python -m web apikeys`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from typer.testing import CliRunner

from assistant.log import AnswerLog, LogFilter
from assistant.models import AnswerStatus
from tests.databases import BACKENDS
from tests.web.conftest import LiveServer, WebClient
from tests.web.test_chat import CASE_DATA, IDENTIFIERS, QUESTION
from web.apikeys import ApiKeyStore
from web.cli import app
from web.db import open_engine

MODEL = "jugendhilfe-assistent"
FOLLOW_UP = "Und wenn die Eltern nicht mitwirken?"


def _cli(server: LiveServer, *args: str) -> Any:
    """`python -m web …` against the server's own database."""
    env = {
        "JHA_DATA_DIR": str(server.settings.data_dir),
        "JHA_DATABASE_URL": server.settings.effective_database_url,
    }
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture(scope="module")
def key(live_server: LiveServer) -> str:
    result = _cli(live_server, "apikeys", "add", "skript", "--user", "fachkraft")
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def api(live_server: LiveServer, key: str) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(base_url=live_server.url + "/v1", api_key=key, max_retries=0, timeout=120)
    yield client
    client.close()


def _extension(response: Any) -> dict[str, Any]:
    return response.model_extra["jugendhilfe"]


def test_models_lists_the_assistant(api: openai.OpenAI) -> None:
    assert [model.id for model in api.models.list()] == [MODEL]


def test_plain_answer_carries_markers_sources_and_the_extension(
    api: openai.OpenAI, live_server: LiveServer
) -> None:
    response = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
    text = response.choices[0].message.content or ""
    ext = _extension(response)
    assert ext["status"] == "answered"
    assert ext["citations"], ext
    assert "[1]" in text and "\n\nQuellen:\n[1] " + ext["citations"][0]["label"] in text
    assert any(c["paragraph"] == "§ 8a" for c in ext["citations"])
    assert "KI-generiert" in text  # the AI label reaches clients that ignore the extension
    assert {n["kind"] for n in ext["notices"]} >= {"ai_disclosure"}
    # Logged like a chat answer, under the key's account.
    entry = AnswerLog(live_server.settings.effective_database_url).get(ext["log_id"])
    assert entry is not None and entry.status == "answered"


def test_streamed_answer_adds_up_to_the_plain_one(api: openai.OpenAI) -> None:
    plain = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
    stream = api.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    pieces = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert len([p for p in pieces if p]) > 2  # piece by piece, not one block
    assert "".join(pieces) == plain.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    ext = last.model_extra["jugendhilfe"]
    assert ext["status"] == "answered" and ext["citations"] == _extension(plain)["citations"]


def test_follow_up_with_history_continues_the_conversation(api: openai.OpenAI) -> None:
    first = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
    history = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": FOLLOW_UP},
    ]
    follow = api.chat.completions.create(model=MODEL, messages=history)
    alone = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": FOLLOW_UP}])
    ext, ext_alone = _extension(follow), _extension(alone)
    assert ext["conversation_id"] == _extension(first)["conversation_id"]
    assert ext_alone["conversation_id"] != ext["conversation_id"]
    # With the history the follow-up is searched together with the first question: § 8a is cited;
    # the same words as a first question are about something else.
    assert ext["status"] == "answered"
    assert any(c["paragraph"] == "§ 8a" for c in ext["citations"]), ext["citations"]
    assert not any(c["paragraph"] == "§ 8a" for c in ext_alone["citations"]), ext_alone["citations"]


def test_case_question_is_refused_with_status_200_and_nothing_identifying_logged(
    api: openai.OpenAI, live_server: LiveServer
) -> None:
    response = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": CASE_DATA}])
    ext = _extension(response)
    text = response.choices[0].message.content or ""
    assert ext["status"] == "refused" and not ext["citations"]
    assert "personenbezogen" in text.lower() or "falldaten" in text.lower()
    assert not any(value in text for value in IDENTIFIERS)
    rows = AnswerLog(live_server.settings.effective_database_url).list(LogFilter(status=AnswerStatus.REFUSED))
    assert any(row.id == ext["log_id"] for row in rows)
    assert not any(value in str(row) for row in rows for value in IDENTIFIERS)
    # Streamed, the refusal is a normal stream too.
    stream = api.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": CASE_DATA}], stream=True
    )
    chunks = list(stream)
    assert chunks[-1].model_extra["jugendhilfe"]["status"] == "refused"


def test_revoked_key_gets_401(live_server: LiveServer) -> None:
    result = _cli(live_server, "apikeys", "add", "kurzlebig", "--user", "fachkraft")
    secret = result.stdout.strip().splitlines()[-1]
    client = openai.OpenAI(base_url=live_server.url + "/v1", api_key=secret, max_retries=0)
    assert client.models.list().data
    listed = _cli(live_server, "apikeys", "list", "--json")
    assert secret not in listed.stdout and '"name": "kurzlebig"' in listed.stdout
    assert _cli(live_server, "apikeys", "revoke", "kurzlebig").exit_code == 0
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=live_server.url + "/v1", api_key="jha-ausgedacht", max_retries=0).models.list()
    client.close()


def test_key_carries_the_roles_of_its_account(live_server: LiveServer) -> None:
    result = _cli(live_server, "apikeys", "add", "auswertung", "--user", "leitung")
    secret = result.stdout.strip().splitlines()[-1]
    client = openai.OpenAI(base_url=live_server.url + "/v1", api_key=secret, max_retries=0)
    with pytest.raises(openai.PermissionDeniedError):  # Leitung alone does not ask questions
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
    client.close()
    assert _cli(live_server, "apikeys", "add", "x", "--user", "niemand").exit_code == 4


def test_bearer_requests_need_no_csrf_but_a_bad_key_never_falls_back_to_the_cookie(
    live_server: LiveServer, key: str, as_user: Any
) -> None:
    bearer = {"Authorization": f"Bearer {key}"}
    # The chat API without a CSRF token: accepted with a key.
    response = httpx.post(
        live_server.url + "/api/chat",
        json={"question": QUESTION},
        headers={**bearer, "Accept": "application/json"},
        timeout=120,
    )
    assert response.status_code == 200 and response.json()["status"] == "answered"
    # A signed-in browser session plus a wrong key: 401, the cookie is not used.
    web: WebClient = as_user("fachkraft")
    wrong = web.http.post("/api/chat", json={"question": QUESTION}, headers={"Authorization": "Bearer jha-x"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"


def test_a_browser_session_needs_its_csrf_token_for_the_completions_api(
    live_server: LiveServer, as_user: Any
) -> None:
    web: WebClient = as_user("fachkraft")
    body = {"model": MODEL, "messages": [{"role": "user", "content": QUESTION}]}
    # What a cross-site page could make the browser send with the cookie: refused, nothing answered.
    forged = web.http.post("/v1/chat/completions", json=body)
    assert forged.status_code == 403
    own = web.json("/v1/chat/completions", body)
    assert own.status_code == 200 and own.json()["jugendhilfe"]["status"] == "answered"


def test_keys_are_stored_as_hashes_only(live_server: LiveServer, key: str) -> None:
    store = ApiKeyStore(open_engine(live_server.settings.effective_database_url))
    with store.engine.connect() as conn:
        dump = str(conn.exec_driver_sql("SELECT * FROM web_api_keys").fetchall())
    assert key not in dump and key[4:20] not in dump
    assert store.username_for(key) == "fachkraft"
    store.engine.dispose()


def test_requests_openai_cannot_express_get_clear_errors(
    api: openai.OpenAI, key: str, live_server: LiveServer
) -> None:
    with pytest.raises(openai.NotFoundError):
        api.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    with pytest.raises(openai.UnprocessableEntityError) as error:
        api.chat.completions.create(model=MODEL, messages=[{"role": "assistant", "content": "Hallo"}])
    assert "role: user" in str(error.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_keys_work_and_revoke_on_both_databases(server_on: Any, backend: str) -> None:
    server = server_on(backend)
    created = _cli(server, "apikeys", "add", "db-test", "--user", "fachkraft")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    client = openai.OpenAI(base_url=server.url + "/v1", api_key=secret, max_retries=0, timeout=120)
    answer = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
    # (With PostgreSQL the catalog lives there and starts empty here: the answer may be an abstention.)
    logged = AnswerLog(server.settings.effective_database_url).get(_extension(answer)["log_id"])
    assert logged is not None and logged.status == _extension(answer)["status"]
    listed = _cli(server, "apikeys", "list", "--json").stdout
    assert '"last_used_at": null' not in listed  # the use was recorded
    assert _cli(server, "apikeys", "revoke", "db-test").exit_code == 0
    assert _cli(server, "apikeys", "revoke", "db-test").exit_code == 4  # already revoked
    with pytest.raises(openai.AuthenticationError):
        client.models.list()
    client.close()


def test_long_history_fits_but_a_huge_request_is_refused(api: openai.OpenAI) -> None:
    # Ten earlier turns with long answers: far over the 64 KiB of ordinary requests.
    long_answer = "Nach § 8a Abs. 1 SGB VIII schätzt das Jugendamt das Gefährdungsrisiko ein. " * 120
    history: list[Any] = []
    for _ in range(10):
        history += [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": long_answer}]
    answer = api.chat.completions.create(
        model=MODEL, messages=[*history, {"role": "user", "content": FOLLOW_UP}]
    )
    assert _extension(answer)["status"] == "answered"
    huge = [{"role": "assistant", "content": "x" * 1024 * 1024}, {"role": "user", "content": QUESTION}]
    with pytest.raises(openai.APIStatusError) as error:
        api.chat.completions.create(model=MODEL, messages=huge)
    assert error.value.status_code == 413
