"""The chat without JavaScript (form posts), the streaming endpoints and feedback, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from assistant.log import AnswerLog, LogFilter
from tests.web.conftest import LiveServer, WebClient, sse_events

QUESTION = (
    "Was ist zu tun, wenn dem Jugendamt gewichtige Anhaltspunkte für eine Kindeswohlgefährdung "
    "bekannt werden?"
)
CASE_DATA = (
    "Kevin Schulz, geb. 03.05.2015, wohnt in der Lindenallee 17 in Unna. Muss ich das Jugendamt einschalten?"
)
IDENTIFIERS = ("Kevin", "Schulz", "03.05.2015", "Lindenallee")


def _log(server: LiveServer) -> AnswerLog:
    return AnswerLog(server.settings.effective_database_url)


def test_chat_page_shows_the_notices_above_the_input(as_user: Callable[[str], WebClient]) -> None:
    page = as_user("fachkraft").get("/chat").text
    notices = page.index("Bitte keine personenbezogenen Falldaten eingeben")
    assert notices < page.index('<textarea id="question"')
    assert "KI-generierte Antworten" in page[notices : page.index('<textarea id="question"')]
    assert 'lang="de"' in page and '<label for="question"' in page


def test_form_post_answers_with_linked_citations(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    page = web.form("/chat", {"question": QUESTION})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert QUESTION in page.text
    log_id = re.search(r'<article class="turn" id="a-([0-9a-f]{32})"', page.text).group(1)
    # every marker [n] in the answer links to source n of this answer, which names the § and its state
    markers = set(re.findall(rf'href="#a-{log_id}-src-(\d+)"', page.text))
    assert markers and "1" in markers
    for n in markers:
        assert f'id="a-{log_id}-src-{n}"' in page.text
    assert "§ 8a" in page.text and "SGB VIII" in page.text and "aktuelle Fassung" in page.text
    assert "<mark>" in page.text  # the quoted passage, in its context
    assert "/documents/laws-2026-sgb8-md?chunk=" in page.text
    assert "KI-generierte Antwort aus der Wissensbasis" in page.text


def test_follow_up_questions_keep_the_conversation(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    web.form("/chat", {"question": "Was regelt § 42 SGB VIII zur Inobhutnahme?"})
    second = web.form("/chat", {"question": "Und wie lange darf sie dauern?"})
    assert second.text.count('<article class="turn"') == 2
    assert "Was regelt § 42 SGB VIII zur Inobhutnahme?" in second.text
    reloaded = web.get("/chat").text  # the earlier turns come back from the history
    assert reloaded.count('<article class="turn"') == 2
    web.form("/chat/new")
    assert '<article class="turn"' not in web.get("/chat").text


def test_refused_question_is_shown_kindly_and_stores_no_identifiers(
    live_server: LiveServer, as_user: Callable[[str], WebClient]
) -> None:
    web = as_user("fachkraft")
    page = web.form("/chat", {"question": CASE_DATA})
    assert page.status_code == 200
    assert "Diese Frage wurde nicht bearbeitet" in page.text
    assert "personenbezogene Falldaten" in page.text and "insoweit erfahrenen Fachkraft" in page.text
    for value in IDENTIFIERS:  # not echoed either: the page shows the question redacted
        assert value not in page.text, f"{value!r} wurde angezeigt"
    assert "[PERSON]" in page.text
    reloaded = web.get("/chat").text
    assert "Frage nicht gespeichert" in reloaded and "Kevin" not in reloaded

    entries = _log(live_server).list(LogFilter(status=None), limit=500)
    refused = [e for e in entries if e.status.value == "refused"]
    assert refused and all(e.question is None for e in refused)
    assert "PERSON" in refused[0].entities
    stored = b"".join(
        path.read_bytes() for path in Path(live_server.settings.data_dir).rglob("*") if path.is_file()
    )
    for value in IDENTIFIERS:
        assert value.encode() not in stored, f"{value!r} wurde gespeichert"


def test_empty_and_overlong_questions_are_explained(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    empty = web.form("/chat", {"question": "   "})
    assert empty.status_code == 200 and "Bitte geben Sie eine Frage ein." in empty.text
    long = web.form("/chat", {"question": "Kita " * 500})
    assert (
        "Die Frage ist zu lang" in long.text
        and 'aria-describedby="privacy-notice ai-notice ask-hint question-error"' in long.text
    )
    api = web.json("/api/chat", {"question": ""})
    assert api.status_code == 422 and api.json()["error"]["code"] == "question_empty"


def test_api_chat_streams_notices_deltas_and_done(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    with web.http.stream(
        "POST", "/api/chat", json={"question": QUESTION}, headers={"X-CSRF-Token": web.csrf}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        conversation = response.headers["x-conversation-id"]
        events = sse_events(response.read().decode())
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "done" and kinds.count("done") == 1 and "delta" in kinds
    done = events[-1][1]
    assert done["status"] == "answered" and done["log_id"] and done["conversation_id"] == conversation
    assert "".join(data["text"] for kind, data in events if kind == "delta").strip() == done["answer"].strip()
    citation = done["citations"][0]
    assert {"n", "title", "type", "date", "paragraph", "absatz", "quote", "superseded"} <= set(citation)
    assert "html" not in done  # the API speaks JSON only; the page's stream adds rendered HTML

    follow = web.json(
        "/api/chat",
        {"question": "Und wer muss dabei einbezogen werden?", "conversation_id": conversation},
        Accept="application/json",
    )
    assert follow.status_code == 200 and follow.json()["conversation_id"] == conversation


def test_page_stream_sends_the_rendered_answer(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    response = web.json("/chat/stream", {"question": CASE_DATA}, Accept="text/event-stream")
    kind, done = sse_events(response.text)[-1]
    assert kind == "done" and done["status"] == "refused"
    assert "Diese Frage wurde nicht bearbeitet" in done["html"] and "Kevin" not in done["html"]
    assert f'name="log_id" value="{done["log_id"]}"' in done["html"]  # feedback form included


def test_feedback_by_form_and_by_api(live_server: LiveServer, as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    answer = web.json("/api/chat", {"question": QUESTION}, Accept="application/json").json()
    log_id = answer["log_id"]
    form = web.form(
        "/chat/feedback",
        {"log_id": log_id, "helpful": "no", "source_mismatch": "1", "comment": "Abs. 4 wäre passender."},
    )
    assert form.status_code == 303 and form.headers["location"] == f"/chat#a-{log_id}"
    api = web.json("/api/feedback", {"log_id": log_id, "helpful": True})
    assert api.status_code == 200 and api.json() == {"stored": True}
    feedback = _log(live_server).get(log_id).feedback
    assert [(f.helpful, f.source_mismatch) for f in feedback] == [(False, True), (True, False)]
    assert feedback[0].comment == "Abs. 4 wäre passender."
    missing = web.json("/api/feedback", {"log_id": "f" * 32, "helpful": True})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "answer_not_found"


def test_feedback_comment_with_case_data_is_stored_redacted(
    live_server: LiveServer, as_user: Callable[[str], WebClient]
) -> None:
    web = as_user("fachkraft")
    log_id = web.json("/api/chat", {"question": QUESTION}, Accept="application/json").json()["log_id"]
    web.json("/api/feedback", {"log_id": log_id, "helpful": False, "comment": f"Passt nicht zu {CASE_DATA}"})
    comment = _log(live_server).get(log_id).feedback[0].comment
    assert "Kevin" not in comment and "03.05.2015" not in comment
