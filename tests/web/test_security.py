"""Login, session cookie, CSRF, throttling, size limits and security headers over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, LiveServer, WebClient, make_web_settings, start_server


def test_login_sets_a_strict_http_only_session_cookie(client: WebClient) -> None:
    response = client.login("fachkraft")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("jha_session=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1; see the proxy test for HTTPS
    assert client.get("/chat").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client: WebClient) -> None:
    for username in ("fachkraft", "gibt-es-nicht"):
        response = client.login(username, "falsches-passwort-123")
        assert response.status_code == 401
        assert "Benutzername oder Passwort ist falsch." in response.text
    assert client.get("/chat").status_code == 303


def test_login_redirects_only_within_the_site(client: WebClient) -> None:
    client.page("/login?next=/review")
    for target, expected in (
        ("/documents", "/documents"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ):
        client.http.cookies.clear()
        client.page("/login")
        response = client.form("/login", {"username": "admin", "password": PASSWORD, "next": target})
        assert response.headers["location"] == expected


def test_logout_ends_the_session(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    assert web.form("/logout").status_code == 303
    assert web.get("/chat").status_code == 303  # copied cookies and the rest: tests/web/test_sessions.py


def test_tampered_cookie_means_anonymous(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("leitung")
    value = web.http.cookies["jha_session"]
    web.http.cookies.clear()
    web.http.cookies.set("jha_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert web.get("/review").status_code == 303


def test_csrf_is_enforced_on_forms_and_json(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    no_token = web.http.post("/chat", data={"question": "Was regelt § 8a SGB VIII?"})
    assert no_token.status_code == 403 and "Formular ist abgelaufen" in no_token.text
    wrong = web.http.post("/chat", data={"question": "x", "csrf_token": "falsch"})
    assert wrong.status_code == 403
    api = web.http.post("/api/chat", json={"question": "Was regelt § 8a SGB VIII?"})
    assert api.status_code == 403 and api.json()["error"]["code"] == "csrf_failed"
    foreign = web.http.post(
        "/api/feedback",
        json={"log_id": "x", "helpful": True},
        headers={"X-CSRF-Token": web.csrf, "Origin": "https://evil.example"},
    )
    assert foreign.json()["error"]["code"] == "csrf_failed"
    cross_site = web.http.post(
        "/chat/new", data={"csrf_token": web.csrf}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross_site.status_code == 403
    assert web.form("/chat/new").status_code == 303  # the same request with the token is fine


def test_login_form_needs_its_csrf_token(client: WebClient) -> None:
    client.page("/login")
    response = client.http.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403


def test_security_headers_and_no_store(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    response = web.get("/chat")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    assert "<script>" not in response.text and " style=" not in response.text  # nothing inline
    static = web.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers["cache-control"]


def test_request_size_is_limited(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    huge = "x" * 70_000
    response = web.json("/api/chat", {"question": huge})
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    page = web.form("/chat", {"question": huge})
    assert page.status_code == 413 and "zu groß" in page.text


def test_unknown_pages_and_api_paths(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    assert web.get("/gibt-es-nicht").status_code == 404
    missing = web.get("/api/gibt-es-nicht")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_openapi_documents_the_api(client: WebClient) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/chat", "/api/feedback", "/api/answers", "/api/answers/{log_id}",
                 "/api/answers/{log_id}/review", "/api/documents", "/api/health"):  # fmt: skip
        assert path in schema["paths"], path
    assert "/chat" not in schema["paths"]  # pages are not part of the API
    assert client.get("/api/docs").status_code == 404  # Swagger UI would load code from a CDN


def test_login_throttling(indexed_corpus_dir: Path, tmp_path: Path) -> None:
    server = start_server(make_web_settings(indexed_corpus_dir, tmp_path / "var", login_max_failures=3))
    web = WebClient(server.url)
    try:
        for _ in range(3):
            assert web.login("fachkraft", "falsch-falsch-falsch").status_code == 401
        blocked = web.login("fachkraft")  # even the right password waits now
        assert blocked.status_code == 429 and "Zu viele fehlgeschlagene Anmeldungen" in blocked.text
        assert web.login("leitung").status_code == 303  # other accounts are not locked out
    finally:
        web.close()
        server.stop()


@pytest.fixture
def proxied(indexed_corpus_dir: Path, tmp_path: Path) -> LiveServer:
    return start_server(
        make_web_settings(indexed_corpus_dir, tmp_path / "var", sso_enabled=True, trusted_proxies="127.0.0.1")
    )


def test_sso_header_is_trusted_from_the_configured_proxy(proxied: LiveServer) -> None:
    web = WebClient(proxied.url)
    try:
        response = web.get("/review", headers={"X-Forwarded-User": "leitung"})
        assert response.status_code == 200
        assert web.get("/review", headers={"X-Forwarded-User": "fachkraft"}).status_code == 403
        assert web.get("/review", headers={"X-Forwarded-User": "unbekannt"}).status_code == 303
        web.http.cookies.clear()
        https = web.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" in https.headers["set-cookie"]
    finally:
        web.close()
        proxied.stop()


def test_sso_header_is_ignored_unless_enabled_and_from_a_proxy(
    client: WebClient, indexed_corpus_dir: Path, tmp_path: Path
) -> None:
    # SSO off (the default): the header means nothing.
    assert client.get("/review", headers={"X-Forwarded-User": "admin"}).status_code == 303
    # SSO on, but this client is not one of the trusted proxies.
    server = start_server(
        make_web_settings(indexed_corpus_dir, tmp_path / "var", sso_enabled=True, trusted_proxies="10.9.8.7")
    )
    web = WebClient(server.url)
    try:
        assert web.get("/review", headers={"X-Forwarded-User": "admin"}).status_code == 303
        assert "Secure" not in web.get("/login", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]
    finally:
        web.close()
        server.stop()
