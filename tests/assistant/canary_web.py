"""Drives the running web app with canary questions the way colleagues would (helper of test_canary)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import expect, sync_playwright

from knowledge.settings import GateAction
from tests.web.conftest import PASSWORD, LiveServer, WebClient, make_web_settings, sse_events, start_server
from tests.web.test_browser import ARGS, CHROMIUM
from web.settings import WebSettings

_LOG_ID = re.compile(r'<article class="turn" id="a-([0-9a-f]{32})"')


def _login(server: LiveServer, name: str) -> WebClient:
    web = WebClient(server.url)
    assert web.login(name).status_code == 303
    web.page("/policy")  # a page of the signed-in session, for its CSRF token
    return web


def exercise_web_app(
    source: Path,
    data_dir: Path,
    canaries: list[tuple[str, list[str]]],
    gate_action: str,
    database_url: str | None,
) -> WebSettings:
    """Every place a person types text into, with every canary question; returns the settings used."""
    settings = make_web_settings(
        source, data_dir, gate_action=GateAction(gate_action), database_url=database_url
    )
    server = start_server(settings, log_level="debug")  # access log on, as `web serve` runs it
    clients: list[WebClient] = []
    try:
        fachkraft, leitung, pflege = (_login(server, name) for name in ("fachkraft", "leitung", "pflege"))
        clients += [fachkraft, leitung, pflege]
        for question, values in canaries:
            page = fachkraft.form("/chat", {"question": question})  # without JavaScript
            assert page.status_code == 200
            log_id = _LOG_ID.findall(page.text)[-1]
            stream = fachkraft.json("/chat/stream", {"question": question}, Accept="text/event-stream")
            assert sse_events(stream.text)[-1][0] == "done"  # what chat.js calls
            api = fachkraft.json("/api/chat", {"question": question}, Accept="application/json")
            assert api.status_code == 200
            _comment_everywhere(fachkraft, leitung, log_id, api.json()["log_id"], question)
            search = pflege.get("/documents", params={"q": question})
            assert search.status_code == 200
            too_long = fachkraft.form("/chat", {"question": f"{question} {'Kita ' * 500}"})
            assert "zu lang" in too_long.text and not any(v in too_long.text for v in values)
        _ask_in_the_browser(server, [question for question, _ in canaries[:2]])
    finally:
        for web in clients:
            web.close()
        server.stop()
    return settings


def _comment_everywhere(
    fachkraft: WebClient, leitung: WebClient, form_log_id: str, api_log_id: str, comment: str
) -> None:
    responses: list[httpx.Response] = [
        fachkraft.form("/chat/feedback", {"log_id": form_log_id, "helpful": "no", "comment": comment}),
        fachkraft.json("/api/feedback", {"log_id": api_log_id, "helpful": False, "comment": comment}),
        leitung.form(f"/review/{form_log_id}/verdict", {"verdict": "fehlerhaft", "comment": comment}),
        leitung.json(f"/api/answers/{api_log_id}/review", {"verdict": "unvollstaendig", "comment": comment}),
    ]
    assert [r.status_code for r in responses] == [303, 200, 303, 200]


def _ask_in_the_browser(server: LiveServer, questions: list[str]) -> None:
    """The chat with JavaScript, in Chromium: typed, streamed, rendered."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(locale="de-DE").new_page()
            page.goto(server.url + "/login")
            page.get_by_label("Benutzername").fill("fachkraft")
            page.get_by_label("Passwort").fill(PASSWORD)
            page.get_by_role("button", name="Anmelden").click()
            page.wait_for_url("**/chat")
            for question in questions:
                page.get_by_role("textbox", name="Ihre Frage").fill(question)
                with page.expect_response("**/chat/stream"):
                    page.get_by_role("button", name="Fragen").click()
                expect(page.locator(".answer-card").last).to_have_attribute(
                    "aria-busy", "false", timeout=60_000
                )
        finally:
            browser.close()
