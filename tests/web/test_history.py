"""Conversation history over real HTTP (form posts, as without JavaScript, and the page's stream):
list newest first, open, continue, rename, delete, ownership, storage filter, retention, account
removal. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from assistant.log import AnswerLog, LogFilter
from tests.databases import BACKENDS
from tests.web.conftest import LiveServer, WebClient, sse_events
from tests.web.test_chat import CASE_DATA, IDENTIFIERS
from web.accounts import AccountStore, Role
from web.cli import app as web_cli
from web.db import open_engine
from web.history import purge_history

FIRST = "Was regelt § 42 SGB VIII zur Inobhutnahme?"
SECOND = "Welche Aufgaben hat der Verfahrenslotse nach § 10b SGB VIII?"
UNKNOWN = "Quappenbach"  # no German word: the storage filter keeps it out
_LINK = re.compile(r'<a href="/chat/c/([A-Za-z0-9_-]+)"(?: aria-current="page")?>([^<]*)</a>')


def _listed(page: str) -> list[tuple[str, str]]:
    """(id, title) of every conversation in the history list, in the order shown."""
    history = page.split('id="history-list"', 1)[1].split("</ul>", 1)[0]
    return _LINK.findall(history)


def _login(server: LiveServer, name: str) -> WebClient:
    web = WebClient(server.url)
    assert web.login(name).status_code == 303
    web.page("/chat")
    return web


def _stored_history(server: LiveServer) -> str:
    engine = open_engine(server.settings.effective_database_url)
    with engine.connect() as connection:
        rows = [
            " ".join(str(value) for value in row)
            for table in ("web_conversations", "web_conversation_turns")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        ]
    engine.dispose()
    return "\n".join(rows)


@pytest.mark.parametrize("backend", BACKENDS)
def test_list_open_continue_rename_delete(server_on: Callable[..., LiveServer], backend: str) -> None:
    server = server_on(backend)
    web = _login(server, "fachkraft")
    assert "Neues Gespräch" in web.get("/chat").text  # before the first question too
    web.form("/chat", {"question": FIRST})
    web.form("/chat/new")
    second_page = web.form("/chat", {"question": SECOND})
    [(newer, newer_title), (older, older_title)] = _listed(second_page.text)
    assert (newer_title, older_title) == (SECOND, FIRST)  # newest first

    opened = web.page(f"/chat/c/{older}")
    shown = opened.text.split('id="conversation"', 1)[1]
    assert opened.status_code == 200 and FIRST in shown and SECOND not in shown
    assert f'<a href="/chat/c/{older}" aria-current="page">' in opened.text
    # Continuing the older conversation (its id travels in the form) moves it to the top.
    follow = web.form("/chat", {"question": "Und wie lange darf sie dauern?", "conversation": older})
    assert follow.text.count('<article class="turn"') == 2
    assert [cid for cid, _ in _listed(web.get("/chat").text)] == [older, newer]

    renamed = web.form(f"/chat/c/{older}/rename", {"title": "Inobhutnahme Fristen"})
    assert renamed.status_code == 303 and renamed.headers["location"] == f"/chat/c/{older}"
    assert (older, "Inobhutnahme Fristen") in _listed(web.get("/chat").text)

    log_rows = AnswerLog(server.settings.effective_database_url).count(LogFilter())
    deleted = web.form(f"/chat/c/{older}/delete")
    assert deleted.status_code == 303
    page = web.get("/chat").text
    assert [cid for cid, _ in _listed(page)] == [newer] and "Gespräch gelöscht." in page
    assert '<article class="turn"' not in page  # the deleted one was open: a new conversation starts
    assert web.get(f"/chat/c/{older}").status_code == 404
    # The review log keeps its pseudonymous rows.
    assert AnswerLog(server.settings.effective_database_url).count(LogFilter()) == log_rows == 3
    web.close()


def test_another_accounts_conversation_is_not_found(live_server: LiveServer) -> None:
    owner, other = _login(live_server, "fachkraft"), _login(live_server, "admin")
    owner.form("/chat/new")
    owner.form("/chat", {"question": FIRST})
    [(conversation, title), *_] = _listed(owner.get("/chat").text)
    attempts = [
        other.get(f"/chat/c/{conversation}"),
        other.form(f"/chat/c/{conversation}/rename", {"title": "Übernommen"}),
        other.form(f"/chat/c/{conversation}/delete"),
        other.form("/chat", {"question": SECOND, "conversation": conversation}),
        other.json("/chat/stream", {"question": SECOND, "conversation_id": conversation}),
        other.form("/chat", {"question": SECOND, "conversation": "../../etc"}),
    ]
    assert [response.status_code for response in attempts] == [404] * len(attempts)
    assert FIRST not in attempts[0].text
    assert (conversation, title) in _listed(owner.get("/chat").text)  # unchanged
    assert owner.get(f"/chat/c/{conversation}").text.count('<article class="turn"') == 1
    owner.close()
    other.close()


def test_stored_history_passes_the_storage_filter(live_server: LiveServer) -> None:
    web = _login(live_server, "fachkraft")
    web.form("/chat/new")
    web.form("/chat", {"question": f"Darf ich {UNKNOWN} zur Erziehungsberatung schicken?"})
    web.form("/chat", {"question": CASE_DATA})
    [(conversation, title), *_] = _listed(web.get("/chat").text)
    assert title == "Darf ich [?] zur Erziehungsberatung schicken?"
    web.form(f"/chat/c/{conversation}/rename", {"title": "Kevin Schulz, geb. 03.05.2015"})
    page = web.get(f"/chat/c/{conversation}").text
    assert "Frage nicht gespeichert – sie enthielt personenbezogene Angaben." in page
    stored = _stored_history(live_server)
    for value in (UNKNOWN, *IDENTIFIERS):
        assert value not in stored and value not in page, value
    assert "[PERSON]" in stored  # the renamed title, typed
    web.close()


def test_stream_records_the_turn_and_names_its_sources(live_server: LiveServer) -> None:
    web = _login(live_server, "fachkraft")
    web.form("/chat/new")
    conversation = re.search(r'id="conversation-id" value="([^"]+)"', web.get("/chat").text).group(1)
    for number, question in enumerate((FIRST, SECOND), start=1):
        body = {"question": question, "conversation_id": conversation}
        response = web.json("/chat/stream", body, Accept="text/event-stream")
        kind, done = sse_events(response.text)[-1]
        assert kind == "done" and done["conversation_id"] == conversation
        assert f'Quellen<span class="visually-hidden"> zu Antwort {number}</span>' in done["html"]
    page = web.get(f"/chat/c/{conversation}").text
    names = re.findall(r'Quellen<span class="visually-hidden"> zu Antwort (\d+)</span>', page)
    assert names == ["1", "2"]
    # Feedback works on a reopened turn: its log id comes back from the sealed reference ...
    log_id = re.findall(r'name="log_id" value="([0-9a-f]{32})"', page)[0]
    assert web.form("/chat/feedback", {"log_id": log_id, "helpful": "yes"}).status_code == 303
    # ... which the database does not show in the clear.
    assert log_id not in _stored_history(live_server)
    web.close()


def test_retention_and_account_removal(live_server: LiveServer) -> None:
    accounts = AccountStore(open_engine(live_server.settings.effective_database_url))
    accounts.add("kurzzeit", frozenset({Role.FACHKRAFT}), password="ein-langes-testpasswort")
    web = _login(live_server, "kurzzeit")
    web.form("/chat", {"question": FIRST})
    assert len(_listed(web.get("/chat").text)) == 1
    engine = accounts.engine
    now = datetime.now(UTC)
    assert purge_history(engine, 30, now=now + timedelta(days=29)) == 0
    assert len(_listed(web.get("/chat").text)) == 1
    assert purge_history(engine, 30, now=now + timedelta(days=31)) >= 1
    assert _listed(web.get("/chat").text) == []

    web.form("/chat", {"question": SECOND})
    assert len(_listed(web.get("/chat").text)) == 1
    accounts.remove("kurzzeit")
    assert "kurzzeit" not in _stored_history(live_server)
    web.close()


def test_history_purge_command(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    env: dict[str, Any] = {
        "JHA_DATA_DIR": str(live_server.settings.data_dir),
        "JHA_DATABASE_URL": live_server.settings.effective_database_url,
        "JHA_HISTORY_RETENTION_DAYS": "30",
    }
    result = CliRunner().invoke(web_cli, ["history", "purge"], env=env)
    assert result.exit_code == 0, result.output
    assert "Gespräche gelöscht (älter als 30 Tage)" in result.stdout
