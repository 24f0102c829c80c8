"""Every route checks its role: pages answer 303 (to the login), 200 or 403; the JSON API 401/200/403."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import LiveServer, WebClient

ROLES = ("anonym", "fachkraft", "leitung", "pflege", "admin")
DOC = "laws-2026-sgb8-md"
NO_ANSWER = "0" * 32

# path -> the roles that may open it (admin holds all three roles)
PAGES = {
    "/chat": {"fachkraft", "admin"},
    "/review": {"leitung", "admin"},
    "/review/overview": {"leitung", "admin"},
    "/review/audit": {"leitung", "admin"},
    "/review/export?fmt=csv": {"leitung", "admin"},
    "/review/export?fmt=json": {"leitung", "admin"},
    "/documents": {"pflege", "admin"},
    f"/documents/{DOC}/remove": {"pflege", "admin"},
    f"/documents/{DOC}": {"fachkraft", "leitung", "pflege", "admin"},
    "/policy": {"fachkraft", "leitung", "pflege", "admin"},
    "/limits": {"fachkraft", "leitung", "pflege", "admin"},
}
API_GET = {
    "/api/answers": {"leitung", "admin"},
    "/api/documents": {"pflege", "admin"},
}
# State-changing routes: called by a role that lacks the right, with a valid CSRF token.
POSTS = {
    "/chat": ("form", {"question": "Was regelt § 8a SGB VIII?"}, {"fachkraft", "admin"}),
    "/chat/new": ("form", {}, {"fachkraft", "admin"}),
    "/chat/feedback": ("form", {"log_id": NO_ANSWER, "helpful": "yes"}, {"fachkraft", "admin"}),
    "/chat/stream": ("json", {"question": "Was regelt § 8a SGB VIII?"}, {"fachkraft", "admin"}),
    "/api/chat": ("json", {"question": "Was regelt § 8a SGB VIII?"}, {"fachkraft", "admin"}),
    "/api/feedback": ("json", {"log_id": NO_ANSWER, "helpful": True}, {"fachkraft", "admin"}),
    f"/review/{NO_ANSWER}/verdict": ("form", {"verdict": "korrekt"}, {"leitung", "admin"}),
    f"/api/answers/{NO_ANSWER}/review": ("json", {"verdict": "korrekt"}, {"leitung", "admin"}),
    "/documents/reindex": ("form", {}, {"pflege", "admin"}),
    f"/documents/{DOC}/remove": ("form", {}, {"pflege", "admin"}),
}


@pytest.fixture(scope="module")
def clients(live_server: LiveServer) -> Iterator[dict[str, WebClient]]:
    result = {}
    for role in ROLES:
        web = WebClient(live_server.url)
        if role == "anonym":
            web.page("/login")
        else:
            assert web.login(role).status_code == 303
            web.page("/policy")
        result[role] = web
    yield result
    for web in result.values():
        web.close()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PAGES))
def test_pages_check_roles(clients: dict[str, WebClient], path: str, role: str) -> None:
    response = clients[role].get(path)
    if role == "anonym":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    elif role in PAGES[path]:
        assert response.status_code == 200, response.text[:500]
    else:
        assert response.status_code == 403
        assert "Kein Zugriff" in response.text and "vorbehalten" in response.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(API_GET))
def test_api_checks_roles(clients: dict[str, WebClient], path: str, role: str) -> None:
    response = clients[role].get(path)
    expected = 401 if role == "anonym" else 200 if role in API_GET[path] else 403
    assert response.status_code == expected
    if expected != 200:
        assert response.json()["error"]["code"] == ("not_authenticated" if expected == 401 else "forbidden")
        assert response.json()["error"]["message"]


@pytest.mark.parametrize("role", ["fachkraft", "pflege"])
def test_answer_detail_api_is_leitung_only(clients: dict[str, WebClient], role: str) -> None:
    assert clients[role].get(f"/api/answers/{NO_ANSWER}").status_code == 403
    assert clients["leitung"].get(f"/api/answers/{NO_ANSWER}").status_code == 404
    assert clients["anonym"].get(f"/api/answers/{NO_ANSWER}").status_code == 401


# The allowed roles are exercised by the feature tests (here they would change the index).
FORBIDDEN_POSTS = [
    (path, role) for path, (_, _, allowed) in POSTS.items() for role in ROLES if role not in allowed
]


@pytest.mark.parametrize(("path", "role"), FORBIDDEN_POSTS)
def test_state_changes_check_roles(clients: dict[str, WebClient], path: str, role: str) -> None:
    kind, body, _ = POSTS[path]
    web = clients[role]
    response = web.form(path, body) if kind == "form" else web.json(path, body)
    if role == "anonym":
        assert response.status_code == 401
    else:
        assert response.status_code == 403
        if kind == "json":
            assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("role", "target"),
    [("fachkraft", "/chat"), ("leitung", "/review"), ("pflege", "/documents"), ("admin", "/chat")],
)
def test_start_page_sends_each_role_to_its_work(
    clients: dict[str, WebClient], role: str, target: str
) -> None:
    response = clients[role].get("/")
    assert response.status_code == 303 and response.headers["location"] == target


def test_navigation_shows_only_permitted_pages(clients: dict[str, WebClient]) -> None:
    page = clients["fachkraft"].get("/policy").text
    assert 'href="/chat"' in page and 'href="/review"' not in page and 'href="/documents"' not in page
    page = clients["leitung"].get("/policy").text
    assert 'href="/review"' in page and 'href="/chat"' not in page


def test_health_needs_no_login(clients: dict[str, WebClient]) -> None:
    response = clients["anonym"].get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["index"]["ok"] is True and body["checks"]["index"]["documents"] > 10
