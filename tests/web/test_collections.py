"""The issue's acceptance test for collections: a document in `asd` with unique words; an account without
`asd` asks for it through the chat page (Chromium), the no-JS form, /api/chat, /v1 (official `openai`
client) and the CLI: never cited, never shown, never named. An account with `asd` gets it. Reviewers
without `asd` see neither the answer nor its export row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from playwright.sync_api import Browser, expect
from typer.testing import CliRunner

from assistant.cli import app as assistant_cli
from assistant.log import AnswerLog
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from tests.web.conftest import LiveServer, WebClient, make_web_settings, sse_events, start_server
from tests.web.test_browser import (
    Session,
    ask,
    browser,  # noqa: F401 - the module-scoped Chromium fixture
)
from web.accounts import AccountStore, Role
from web.cli import app as web_cli
from web.db import open_engine

# The question names the protocol; only the document holds the period's name and its title's word.
QUESTION = "Was verlangt das Quokkaprotokoll bei Hausbesuchen?"
HIDDEN_WORD = "Wombatfrist"
TITLE = "Numbatdienstanweisung Hausbesuche"
DOCUMENT = f"""---
title: {TITLE}
type: workshop
---
## Quokkaprotokoll für Hausbesuche

Das Quokkaprotokoll verlangt, dass Hausbesuche immer zu zweit stattfinden und binnen der {HIDDEN_WORD}
von drei Arbeitstagen dokumentiert werden.
"""
MODEL = "jugendhilfe-assistent"


@pytest.fixture(scope="module")
def server(indexed_corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("collections")
    settings = make_web_settings(indexed_corpus_dir, root / "var")
    folder = root / "asd-dokumente"
    folder.mkdir()
    (folder / "hausbesuche.md").write_text(DOCUMENT, "utf-8")
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([folder], collection="asd")
    assert [entry.collection for entry in report.added] == ["asd"]
    index.close()
    accounts = AccountStore(open_engine(settings.effective_database_url))
    for name, role in (("asd-fachkraft", Role.FACHKRAFT), ("asd-leitung", Role.LEITUNG)):
        accounts.add(name, frozenset({role}), password="ein-langes-testpasswort")
        accounts.set_collections(name, frozenset({"asd"}))
    accounts.engine.dispose()
    live = start_server(settings)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def asd_document(server: LiveServer) -> str:
    index = KnowledgeIndex.open(server.settings)
    [document] = [d for d in index.documents() if d.collection == "asd"]
    index.close()
    return document.id


def _login(server: LiveServer, name: str) -> WebClient:
    web = WebClient(server.url)
    assert web.login(name).status_code == 303
    web.page("/policy")
    return web


def _assert_hidden(body: str, document_id: str) -> None:
    for secret in (HIDDEN_WORD, TITLE, "Numbat", document_id):
        assert secret not in body, f"{secret!r} ist durchgesickert"


def _cli(server: LiveServer, *args: str) -> tuple[int, str]:
    env = {
        "JHA_DATA_DIR": str(server.settings.data_dir),
        "JHA_DATABASE_URL": server.settings.effective_database_url,
        "JHA_EMBEDDER": "hashing",
    }
    result = CliRunner().invoke(assistant_cli, list(args), env=env)
    return result.exit_code, result.stdout


def _api_key(server: LiveServer, user: str) -> str:
    env = {
        "JHA_DATA_DIR": str(server.settings.data_dir),
        "JHA_DATABASE_URL": server.settings.effective_database_url,
    }
    result = CliRunner().invoke(web_cli, ["apikeys", "add", f"key-{user}", "--user", user], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def test_an_account_with_asd_gets_the_document(server: LiveServer, asd_document: str) -> None:
    web = _login(server, "asd-fachkraft")
    response = web.json("/api/chat", {"question": QUESTION}, accept="application/json")
    data = response.json()
    assert data["status"] == "answered", data
    assert asd_document in {c["document_id"] for c in data["citations"]}
    assert HIDDEN_WORD in response.text
    assert web.get(f"/documents/{asd_document}").status_code == 200
    # The answer log records what the answer drew from: the review rule filters on it.
    entry = AnswerLog(server.settings.effective_database_url).get(data["log_id"])
    assert entry is not None and "asd" in entry.collections
    code, output = _cli(server, "ask", QUESTION, "--user", "asd-fachkraft", "--json")
    assert code == 0 and asd_document in {c["document_id"] for c in json.loads(output)["citations"]}
    web.close()


def test_an_account_without_asd_never_sees_it(server: LiveServer, asd_document: str) -> None:
    web = _login(server, "fachkraft")
    answered = web.json("/api/chat", {"question": QUESTION}, accept="application/json")
    assert answered.status_code == 200
    _assert_hidden(answered.text, asd_document)
    streamed = web.json("/api/chat", {"question": QUESTION})
    assert [kind for kind, _ in sse_events(streamed.text)][-1] == "done"
    _assert_hidden(streamed.text, asd_document)
    form = web.form("/chat", {"question": QUESTION})
    assert form.status_code == 200 and "answer-card" in form.text
    _assert_hidden(form.text, asd_document)
    _assert_hidden(web.page("/chat").text, asd_document)  # the conversation shown again
    # The document page answers like a missing one: 404 without the title.
    page = web.get(f"/documents/{asd_document}")
    assert page.status_code == 404
    _assert_hidden(page.text, asd_document)
    code, output = _cli(server, "ask", QUESTION, "--user", "fachkraft", "--json")
    assert code == 0
    _assert_hidden(output, asd_document)
    assert _cli(server, "ask", QUESTION, "--user", "niemand")[0] == 4
    web.close()


def test_an_api_key_carries_its_users_collections(server: LiveServer, asd_document: str) -> None:
    for user, sees in (("fachkraft", False), ("asd-fachkraft", True)):
        api = openai.OpenAI(base_url=server.url + "/v1", api_key=_api_key(server, user), max_retries=0)
        plain = api.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
        stream = api.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": QUESTION}], stream=True
        )
        bodies = [plain.model_dump_json(), *(chunk.model_dump_json() for chunk in stream)]
        api.close()
        if sees:
            citations = (plain.model_extra or {})["jugendhilfe"]["citations"]
            assert asd_document in {c["document_id"] for c in citations}
        else:
            _assert_hidden("".join(bodies), asd_document)


def test_the_chat_page_in_chromium_keeps_it_hidden(
    server: LiveServer,
    asd_document: str,
    browser: Browser,  # noqa: F811 - the imported fixture
) -> None:
    for javascript in (True, False):
        session = Session(browser, server, javascript=javascript)
        page = session.login("fachkraft")
        if javascript:
            ask(page, QUESTION)
        else:
            page.get_by_label("Ihre Frage").fill(QUESTION)
            page.get_by_role("button", name="Fragen").click()
            page.wait_for_load_state()
        expect(page.locator(".answer-card").last).to_be_visible()
        _assert_hidden(page.content(), asd_document)
        session.close()
    session = Session(browser, server)
    page = session.login("asd-fachkraft")
    ask(page, QUESTION)
    expect(page.locator(".answer-card").last).to_contain_text(HIDDEN_WORD)
    session.close()


def test_reviewers_see_answers_of_their_collections_only(server: LiveServer, asd_document: str) -> None:
    asker = _login(server, "asd-fachkraft")
    log_id = asker.json("/api/chat", {"question": QUESTION}, accept="application/json").json()["log_id"]
    asker.close()
    outsider, insider = _login(server, "leitung"), _login(server, "asd-leitung")
    assert outsider.get(f"/review/{log_id}").status_code == 404
    assert outsider.get(f"/api/answers/{log_id}").status_code == 404
    listed = outsider.get("/api/answers", params={"limit": 500}).json()["answers"]
    assert log_id not in {a["id"] for a in listed}
    for body in (outsider.get("/review").text, outsider.get("/review/export", params={"fmt": "json"}).text):
        assert log_id not in body
        _assert_hidden(body, asd_document)
    assert insider.get(f"/review/{log_id}").status_code == 200
    assert insider.get(f"/api/answers/{log_id}").status_code == 200
    assert log_id in {a["id"] for a in insider.get("/api/answers", params={"limit": 500}).json()["answers"]}
    outsider.close()
    insider.close()


def test_a_maintainer_moves_a_document_on_the_documents_page(server: LiveServer, asd_document: str) -> None:
    maintainer = _login(server, "pflege")
    maintainer.page("/documents")
    assert "asd" in maintainer.get("/documents").text
    moved = maintainer.form(f"/documents/{asd_document}/collection", {"collection": "kita-aufsicht"})
    assert moved.status_code == 303
    index = KnowledgeIndex.open(server.settings)
    chunk_ids = [c.id for c in index.chunks_of(asd_document)]
    assert {m["collection"] for m in index.stores.vectors.metadata_of(chunk_ids).values()} == {
        "kita-aufsicht"
    }
    index.close()
    bad = maintainer.form(f"/documents/{asd_document}/collection", {"collection": "Kita Aufsicht"})
    assert bad.status_code == 303 and "Ungültiger Sammlungsname" in maintainer.get("/documents").text
    assert maintainer.form(f"/documents/{asd_document}/collection", {"collection": "asd"}).status_code == 303
    maintainer.close()
