"""The chat in Chromium: Enter sends and Shift+Enter makes a new line, the conversation history
(new, list, open, rename, delete), unique names for every answer's sources, the phone layout
(390×844: the question box within a quarter of the height), and axe-core on each state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.axe import assert_no_violations
from tests.web.conftest import LiveServer
from tests.web.test_browser import Session, browser
from tests.web.test_history import FIRST, SECOND

__all__ = ["browser"]  # the fixture, shared with test_browser.py
pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def chat(browser: Browser, live_server: LiveServer) -> Iterator[Session]:
    opened = Session(browser, live_server)
    opened.login("fachkraft")
    yield opened
    opened.close()


def _wait_for_answer(page: Page, count: int) -> None:
    expect(page.locator("article.turn")).to_have_count(count, timeout=60_000)
    expect(page.locator(".answer-card").last).to_have_attribute("aria-busy", "false", timeout=60_000)


def test_enter_sends_and_shift_enter_makes_a_new_line(chat: Session) -> None:
    page = chat.page
    page.get_by_role("button", name="Neues Gespräch").click()
    expect(page.locator("#ask-hint")).to_have_text(
        "Enter sendet die Frage, Umschalt + Enter beginnt eine neue Zeile."
    )
    box = page.locator("#question")
    box.click()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    box.press_sequentially("Was regelt § 42 SGB VIII")
    box.press("Shift+Enter")
    box.press_sequentially("zur Inobhutnahme?")
    assert box.input_value() == "Was regelt § 42 SGB VIII\nzur Inobhutnahme?"
    assert not [url for url in requests if url.endswith("/chat/stream")]  # nothing sent yet
    with page.expect_response("**/chat/stream"):
        box.press("Enter")
    _wait_for_answer(page, 1)
    expect(box).to_have_value("")
    assert page.url.endswith("/chat")  # streamed into this page, no form post
    chat.check()


def test_history_new_open_rename_delete(chat: Session) -> None:
    page = chat.page
    page.get_by_role("button", name="Neues Gespräch").click()
    history = page.get_by_role("navigation", name="Ihre Gespräche")
    for count, question in enumerate((FIRST, SECOND), start=1):
        page.locator("#question").fill(question)
        page.locator("#question").press("Enter")
        _wait_for_answer(page, count)
    # The first answer put the conversation into the list at once, marked as the open one.
    current = history.locator('a[aria-current="page"]')
    expect(current).to_have_text(FIRST)
    first_href = current.get_attribute("href")
    # Two answers, two sources landmarks, each with a name of its own (axe: landmark-unique).
    expect(page.get_by_role("complementary", name="Quellen zu Antwort 1")).to_have_count(1)
    expect(page.get_by_role("complementary", name="Quellen zu Antwort 2")).to_have_count(1)
    chat.shot("15-chat-verlauf", full_page=False)

    # "Neues Gespräch" is there without a reload; the next conversation goes on top.
    page.get_by_role("button", name="Neues Gespräch").click()
    expect(page.locator("article.turn")).to_have_count(0)
    page.locator("#question").fill("Wann müssen junge Menschen Kostenbeiträge leisten?")
    page.locator("#question").press("Enter")
    _wait_for_answer(page, 1)
    expect(history.locator("li").first).to_contain_text("Kostenbeiträge")

    history.locator(f'a[href="{first_href}"]').click()
    expect(page.locator("article.turn")).to_have_count(2)
    expect(page.locator(".conversation-name")).to_contain_text(FIRST)
    assert_no_violations(page, "16-gespraech-geoeffnet")
    page.get_by_text("Umbenennen").click()
    page.get_by_label("Neuer Titel").fill("Inobhutnahme und Verfahrenslotse")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("p.flash")).to_have_text("Gespräch umbenannt.")
    expect(history.locator('a[aria-current="page"]')).to_have_text("Inobhutnahme und Verfahrenslotse")
    chat.shot("16-gespraech-umbenannt", full_page=False)

    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Gespräch löschen").click()
    expect(page.locator("p.flash")).to_have_text("Gespräch gelöscht.")
    assert dialogs == ["Dieses Gespräch aus Ihrem Verlauf löschen?"]
    expect(history.get_by_role("link", name="Inobhutnahme und Verfahrenslotse")).to_have_count(0)
    expect(page.locator("article.turn")).to_have_count(0)
    assert_no_violations(page, "17-gespraech-geloescht")
    chat.check()


def test_phone_layout_keeps_the_question_box_small(browser: Browser, live_server: LiveServer) -> None:
    phone = Session(browser, live_server)
    phone.context.close()
    phone.context = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    phone.page = phone.context.new_page()
    phone.page.on("pageerror", lambda error: phone.problems.append(str(error)))
    try:
        page = phone.login("fachkraft")
        page.get_by_role("button", name="Neues Gespräch").click()
        composer = page.locator(".composer")
        for moment in ("leer", "mit Antwort"):
            height = composer.bounding_box()["height"]  # type: ignore[index]
            print(f"Eingabebereich auf 390×844 ({moment}): {height:.0f} px")  # for the report
            assert height <= PHONE["height"] / 4, f"Eingabebereich {moment}: {height:.0f} px von 844 px"
            expect(page.get_by_text("Bitte keine personenbezogenen Falldaten eingeben")).to_be_visible()
            if moment == "leer":
                phone.shot("18-handy-leer", full_page=False)
                page.locator("#question").fill(FIRST)
                page.get_by_role("button", name="Fragen", exact=True).click()
                _wait_for_answer(page, 1)
        # The full notices stay in the question box's description for screen readers.
        description = page.locator("#question").evaluate(
            "el => el.getAttribute('aria-describedby').split(' ')"
            ".map(id => document.getElementById(id).textContent).join(' ')"
        )
        assert "keine Namen, Geburtsdaten" in description and "keine Rechtsberatung" in description
        page.locator("article.turn").last.scroll_into_view_if_needed()
        phone.shot("19-handy-antwort", full_page=False)
        phone.check()
    finally:
        phone.close()
