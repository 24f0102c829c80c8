"""Markdown in Chromium: an uploaded document with a table, bold text, a block quote, "• ◦" bullets,
links and XSS payloads, seen on the document page and in a chat answer with its source cards.

No raw Markdown marker may be visible, tables must be tables, and no payload may run. Screenshots go to
test-output/screenshots/13-… and 14-….
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.web.conftest import LiveServer, WebClient
from tests.web.test_browser import Session, browser

__all__ = ["browser"]  # the fixture, shared with test_browser.py
pytestmark = pytest.mark.browser

DOCUMENT = (Path(__file__).parent / "elternabend.md").read_text(encoding="utf-8")
DOC_ID = "uploads-elternabend-md"
TABLE_QUESTION = "Wer ist beim Elternabend der Kindertagespflege für die Begrüßung verantwortlich?"
LIST_QUESTION = "Welche Themen besprechen die Eltern beim Austausch im Familienzentrum Lindenhof?"
XSS_QUESTION = "Was passiert mit den Formularen im Familienzentrum Lindenhof?"

# Markdown syntax that must never reach the reader as text.
RAW_MARKERS = [
    (r"\*\*", "**"),
    (r"\|\s*:?-{3,}", "|---|"),
    (r"(^|\n)\s*>\s", "> am Zeilenanfang"),
    (r"[•◦]", "• oder ◦"),
    (r"\]\(", "[Text](Adresse)"),
    (r"(^|\s)\|\s.*\s\|(\s|$)", "| Zelle |"),
]
# Set by any payload that runs; checked after every page.
NO_SCRIPT_RAN = "() => window.__xss === undefined"
HANDLERS = """(root) => [...root.querySelectorAll('*')].flatMap(el => [...el.attributes]
  .filter(a => a.name.startsWith('on') || /^\\s*(javascript|data|vbscript):/i.test(a.value))
  .map(a => el.tagName + ' ' + a.name + '=' + a.value))"""


@pytest.fixture(scope="module")
def uploaded(live_server: LiveServer) -> Iterator[None]:
    web = WebClient(live_server.url)
    assert web.login("pflege").status_code == 303
    web.page("/documents")
    response = web.http.post(
        "/documents/upload",
        data={"csrf_token": web.csrf},
        files={"file": ("elternabend.md", DOCUMENT.encode(), "text/markdown")},
    )
    assert response.status_code == 303, response.text
    web.close()
    yield


def _ask(page: Page, question: str) -> None:
    page.locator("#question").fill(question)
    with page.expect_response("**/chat/stream"):
        page.get_by_role("button", name="Fragen", exact=True).click()
    expect(page.locator(".answer-card").last).to_have_attribute("aria-busy", "false", timeout=60_000)


def _raw_markers(text: str) -> list[str]:
    return [name for pattern, name in RAW_MARKERS if re.search(pattern, text)]


def _assert_safe(page: Page, area: Locator, dialogs: list[str]) -> None:
    assert page.evaluate(NO_SCRIPT_RAN), "Eine eingeschleuste Anweisung wurde ausgeführt"
    assert dialogs == []
    assert area.evaluate(HANDLERS) == []
    rendered = area.locator(".answer-text, .source-quote, .chunk-text")
    assert rendered.locator("script, img, svg, iframe, object, embed, style").count() == 0


def test_document_page_renders_markdown_and_nothing_runs(
    browser: Browser, live_server: LiveServer, uploaded: None
) -> None:
    session = Session(browser, live_server)
    dialogs: list[str] = []
    try:
        page = session.login("fachkraft")
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        session.open(f"/documents/{DOC_ID}")
        document = page.locator("article.document")
        expect(
            document.get_by_role("heading", name="Leitfaden Elternabend Kindertagespflege")
        ).to_be_visible()
        text = document.inner_text()
        assert _raw_markers(text) == [], (_raw_markers(text), text)
        table = document.locator("table")
        expect(table).to_have_count(1)
        expect(table.locator("th")).to_have_text(["Uhrzeit", "Programmpunkt", "Verantwortlich"])
        expect(table.locator("tbody tr")).to_have_count(2)
        expect(table.locator("tbody strong")).to_have_text("Eingewöhnung")
        expect(document.locator("blockquote strong")).to_have_text("Hinweis:")
        items = document.locator("ul > li")
        expect(items.first).to_contain_text("Essenszeiten und Mittagsschlaf")
        expect(document.locator("ul ul > li")).to_have_text("Allergien und Unverträglichkeiten")
        link = document.get_by_role("link", name="Landesjugendamt")
        expect(link).to_have_attribute("href", "https://www.example.org/kindertagespflege")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        assert document.get_by_role("link", name="intern").count() == 0  # javascript: is only text
        expect(document).to_contain_text("<script>window.__xss=1</script>")  # shown, not run
        _assert_safe(page, document, dialogs)
        document.locator("table").scroll_into_view_if_needed()
        session.shot("13-markdown-dokument", full_page=False)
        session.check()
    finally:
        session.close()


def test_chat_answer_and_source_cards_render_markdown_and_nothing_runs(
    browser: Browser, live_server: LiveServer, uploaded: None
) -> None:
    session = Session(browser, live_server)
    dialogs: list[str] = []
    try:
        page = session.login("fachkraft")
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for question in (LIST_QUESTION, XSS_QUESTION, TABLE_QUESTION):
            _ask(page, question)
            turn = page.locator("article.turn").last
            expect(turn.locator(".badge")).to_have_text("beantwortet")
            assert turn.locator(f'.source a[href^="/documents/{DOC_ID}"]').count() >= 1
            # The streamed text is replaced by the server-rendered answer when it is done.
            expect(turn.locator(".streaming-text")).to_have_count(0)
            answer = turn.locator(".answer-card")
            text = answer.inner_text()
            assert _raw_markers(text) == [], (question, _raw_markers(text), text)
            _assert_safe(page, answer, dialogs)
        expect(page.locator("article.turn").first.locator(".answer-text li").first).to_contain_text(
            "Essenszeiten"
        )
        table_turn = page.locator("article.turn").last
        expect(table_turn.locator("table").first).to_be_visible()
        expect(table_turn.locator("table th").first).to_have_text("Uhrzeit")
        expect(table_turn.locator(".source-quote mark").first).not_to_be_empty()
        table_turn.scroll_into_view_if_needed()
        session.shot("14-markdown-antwort", full_page=False)
        page.reload()  # the same answers from the answer log render the same way
        for turn in page.locator("article.turn").all():
            assert _raw_markers(turn.inner_text()) == []
        _assert_safe(page, page.locator("main"), dialogs)
        session.check()
    finally:
        session.close()
