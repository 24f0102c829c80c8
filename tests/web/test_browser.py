"""The product in a real browser (Debian's Chromium driven by Playwright), with screenshots of the main
pages in test-output/screenshots/. A missing browser fails these tests; it does not skip them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from assistant.log import AnswerLog, LogFilter
from tests.conftest import PROJECT
from tests.web.axe import assert_no_violations, assert_no_violations_without_javascript
from tests.web.conftest import PASSWORD, LiveServer
from tests.web.test_chat import CASE_DATA, QUESTION
from tests.web.test_documents import UPLOAD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT / "test-output" / "screenshots"

# Records whether answer text arrived piece by piece before the finished answer replaced it.
WATCH_STREAMING = """() => {
  window.__streamed = false;
  new MutationObserver((records) => {
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const text = node && node.closest('.streaming-text') ? node.textContent : '';
      if (text) window.__streamed = true;
    }
  }).observe(document.getElementById('conversation'), {subtree: true, childList: true, characterData: true});
}"""

# Every visible form control needs a label (BITV 2.0 / WCAG 1.3.1, 4.1.2).
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.outerHTML)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium fehlt unter {CHROMIUM}: apt-get install -y chromium", pytrace=False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Session:
    """One browser context (its own cookies) with the console watched for errors and CSP violations."""

    def __init__(self, browser: Browser, server: LiveServer, *, javascript: bool = True) -> None:
        self.server = server
        self.browser = browser
        self.javascript = javascript
        self.context: BrowserContext = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="de-DE", java_script_enabled=javascript
        )
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(message.text)

    def open(self, path: str) -> Page:
        self.page.goto(self.server.url + path)
        return self.page

    def login(self, username: str) -> Page:
        page = self.open("/login")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state()
        return page

    def shot(self, name: str, *, full_page: bool = True) -> None:
        """A screenshot, and axe-core over the same page (0 violations)."""
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
        if self.javascript:
            assert_no_violations(self.page, name)
        else:
            assert_no_violations_without_javascript(self.page, self.browser, name)

    def check(self, *expected: str) -> None:
        """No unlabelled controls, no script errors or CSP violations (except the `expected` ones)."""
        assert self.page.evaluate(UNLABELLED) == []
        unexpected = [p for p in self.problems if not any(e in p for e in expected)]
        assert unexpected == [], unexpected

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Browser, live_server: LiveServer) -> Iterator[Session]:
    opened = Session(browser, live_server)
    yield opened
    opened.close()


def ask(page: Page, question: str) -> None:
    page.get_by_label("Ihre Frage").fill(question)
    with page.expect_response("**/chat/stream") as streamed:
        page.get_by_role("button", name="Fragen").click()
    assert streamed.value.headers["content-type"].startswith("text/event-stream")
    expect(page.locator(".answer-card").last).to_have_attribute("aria-busy", "false", timeout=60_000)


def test_login_page(session: Session) -> None:
    page = session.open("/chat")
    expect(page).to_have_url(f"{session.server.url}/login?next=/chat")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_label("Benutzername")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort")).to_be_focused()
    session.shot("01-anmeldung")
    page.get_by_label("Benutzername").fill("fachkraft")
    page.get_by_label("Passwort").fill("falsch-falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_have_text("Benutzername oder Passwort ist falsch.")
    session.check("status of 401")


def test_question_answer_source_feedback_review_overview(
    browser: Browser, session: Session, live_server: LiveServer
) -> None:
    page = session.login("fachkraft")
    expect(page).to_have_url(f"{live_server.url}/chat")
    expect(page.get_by_text("Bitte keine personenbezogenen Falldaten eingeben")).to_be_visible()
    expect(page.get_by_text("KI-generierte Antworten", exact=True)).to_be_visible()
    session.shot("02-chat-leer", full_page=False)
    _ask_and_follow_a_citation(session, live_server)
    _give_feedback(session, live_server)
    session.check()
    # The Leitung finds that answer in the review, records a verdict and sees it in the overview.
    leitung = Session(browser, live_server)
    try:
        _review(leitung, live_server)
        leitung.check()
    finally:
        leitung.close()


def _ask_and_follow_a_citation(session: Session, live_server: LiveServer) -> None:
    page = session.page
    page.evaluate(WATCH_STREAMING)
    ask(page, QUESTION)
    assert page.evaluate("window.__streamed") is True, "Die Antwort kam nicht schrittweise an."
    assert page.url == f"{live_server.url}/chat"  # no page load: the answer streamed into this page
    answer = page.locator("article.turn").last
    expect(answer.locator(".badge")).to_have_text("beantwortet")
    expect(answer.locator("a.cite").first).to_be_visible()
    expect(answer.locator(".source")).not_to_have_count(0)
    answer.scroll_into_view_if_needed()
    session.shot("03-chat-antwort", full_page=False)

    # A citation marker leads to its source: title, type, date, § and Absatz, quote, version state.
    answer.locator("a.cite").first.click()
    source = answer.locator(".source.is-active")
    expect(source).to_be_focused()
    expect(source.locator(".source-label")).to_contain_text("§ 8a Abs.")
    expect(source.locator(".source-meta")).to_contain_text("Gesetz")
    expect(source.locator(".source-meta")).to_contain_text("aktuelle Fassung")
    expect(source.locator("mark").first).not_to_be_empty()  # one mark per quoted Absatz
    source.get_by_role("link", name="Im Dokument ansehen").click()
    expect(page.locator(".chunk-highlight")).to_be_in_viewport()
    expect(page.locator(".chunk-highlight .chunk-flag")).to_have_text("Zitierte Stelle")
    session.shot("04-quelle-im-dokument", full_page=False)
    page.go_back()


def _give_feedback(session: Session, live_server: LiveServer) -> None:
    answer = session.page.locator("article.turn").last
    answer.get_by_text("Quelle passt nicht oder Kommentar").click()
    answer.get_by_label("Quelle passt nicht zur Aussage").check()
    answer.get_by_label("Kommentar (optional, bitte ohne Falldaten)").fill("Absatz 1 hätte genügt.")
    answer.get_by_role("button", name="Nicht hilfreich").click()
    expect(answer.get_by_role("status")).to_have_text("Danke für Ihre Rückmeldung.")
    log = AnswerLog(live_server.settings.effective_database_url)
    [entry] = log.list(LogFilter(negative_feedback=True))
    assert entry.question == QUESTION and entry.feedback[0].comment == "Absatz 1 hätte genügt."


def _review(leitung: Session, live_server: LiveServer) -> None:
    page = leitung.login("leitung")
    expect(page).to_have_url(f"{live_server.url}/review")
    page.get_by_label("nur mit negativer Rückmeldung").check()
    page.get_by_role("button", name="Filtern").click()
    expect(page.locator(".log-table tbody tr")).to_have_count(1)
    leitung.shot("05-auswertung-protokoll")
    page.get_by_role("link", name=QUESTION[:60]).click()
    expect(page.get_by_text("Absatz 1 hätte genügt.")).to_be_visible()
    expect(page.get_by_role("heading", name="Gefundene Passagen")).to_be_visible()
    page.get_by_label("fehlerhaft").check()
    page.get_by_label("Kommentar (optional)").fill("Zitiert Abs. 6 statt Abs. 1.")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_role("status")).to_have_text("Bewertung „fehlerhaft“ gespeichert.")
    leitung.shot("06-auswertung-detail")
    page.get_by_role("link", name="Überblick").click()
    expect(page.locator("#verdicts svg title", has_text="fehlerhaft: 1")).to_have_count(1)
    expect(page.locator(".kpi-negative .kpi-value")).not_to_have_text("0 %")
    leitung.shot("07-auswertung-ueberblick")
    page.get_by_role("link", name="Prüfprotokoll").click()
    # A verdict row names the reviewer by pseudonym: reviews judge answers, never employees.
    review_row = page.locator("tbody tr").first
    expect(review_row).to_contain_text("Bewertung")
    expect(review_row).to_contain_text("fehlerhaft")
    expect(review_row).not_to_contain_text("leitung")
    leitung.shot("07-auswertung-pruefprotokoll")


def test_case_data_question_is_refused(session: Session, live_server: LiveServer) -> None:
    page = session.login("fachkraft")
    ask(page, CASE_DATA)
    answer = page.locator("article.turn").last
    expect(answer.locator(".badge")).to_have_text("abgelehnt")
    expect(answer.get_by_role("heading", name="Diese Frage wurde nicht bearbeitet")).to_be_visible()
    expect(answer.locator(".source")).to_have_count(0)
    # Once answered, the question is shown back only as the server redacted it.
    expect(answer.locator(".question-text")).to_contain_text("[PERSON]")
    assert "Kevin" not in answer.inner_text()
    answer.scroll_into_view_if_needed()
    session.shot("08-chat-abgelehnt", full_page=False)
    page.reload()
    expect(
        page.get_by_text("Frage nicht gespeichert – sie enthielt personenbezogene Angaben.")
    ).to_be_visible()
    assert "Kevin" not in page.content()
    session.check()


def test_chat_works_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    plain = Session(browser, live_server, javascript=False)
    try:
        page = plain.login("fachkraft")
        page.get_by_label("Ihre Frage").fill("Welche Aufgaben hat der Verfahrenslotse nach § 10b SGB VIII?")
        with page.expect_navigation():
            page.get_by_role("button", name="Fragen").click()
        answer = page.locator("article.turn").last
        expect(answer.locator(".badge")).to_have_text("beantwortet")
        expect(answer.locator(".source").first).to_contain_text("§ 10b")
        answer.get_by_role("button", name="Hilfreich", exact=True).click()
        expect(page.get_by_text("Danke für Ihre Rückmeldung.")).to_be_visible()
        page.locator("article.turn").last.scroll_into_view_if_needed()
        plain.shot("09-chat-ohne-javascript", full_page=False)
        plain.check()
    finally:
        plain.close()


def test_maintainer_uploads_and_finds_the_document(session: Session, tmp_path: Path) -> None:
    page = session.login("pflege")
    expect(page).to_have_url(f"{session.server.url}/documents")
    upload = tmp_path / "rufbereitschaft.md"
    upload.write_text(UPLOAD, encoding="utf-8")
    page.get_by_label("Datei").set_input_files(upload)
    page.get_by_label("Dokumenttyp").select_option(label="Praxismaterial")
    page.get_by_role("button", name="Hochladen und indexieren").click()
    expect(page.get_by_role("status").first).to_contain_text("neu indexiert als uploads-rufbereitschaft-md")
    page.get_by_label("Suchbegriff").fill("Rufbereitschaft Leitstelle")
    page.get_by_role("button", name="Suchen").click()
    first_hit = page.locator(".hit-list li").first
    expect(first_hit).to_contain_text("Dienstanweisung Rufbereitschaft im Kinderschutz")
    session.shot("10-dokumente-liste")
    first_hit.get_by_role("link").click()
    expect(page.locator(".chunk-highlight")).to_contain_text("Leitstelle der Feuerwehr")
    session.shot("10-dokument-ansicht")
    session.check()


def test_policy_and_limits_pages(session: Session) -> None:
    page = session.login("admin")
    page.get_by_role("link", name="Richtlinie", exact=True).click()
    expect(
        page.get_by_role("heading", name="Datenschutz- und Aufsichtsrichtlinie", exact=True)
    ).to_be_visible()
    session.shot("11-richtlinie", full_page=False)
    page.get_by_role("link", name="Grenzen", exact=True).click()
    expect(page.get_by_role("heading", name="Was die Falldaten-Prüfung nicht erkennen kann")).to_be_visible()
    session.shot("12-grenzen")
    session.check()


def test_error_pages(session: Session) -> None:
    page = session.login("fachkraft")
    session.open("/documents/gibt-es-nicht")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    session.shot("20-fehler-404", full_page=False)
    session.open("/review")
    expect(page.get_by_text("Diese Seite ist der Rolle Leitung vorbehalten.")).to_be_visible()
    session.shot("21-fehler-403", full_page=False)
    session.check("status of 404", "status of 403")
