"""`/api/health` says `degraded` (HTTP 503) while searches fail, though index and database answer."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import WebClient, make_web_settings, sse_events, start_server


def test_health_reports_degraded_while_searches_fail(indexed_corpus_dir: Path, tmp_path: Path) -> None:
    settings = make_web_settings(indexed_corpus_dir, tmp_path / "var")
    server = start_server(settings)
    web = WebClient(server.url)
    try:
        assert web.get("/api/health").json()["status"] == "ok"
        assert web.login("fachkraft").status_code == 303
        web.page("/chat")
        question = {"question": "Was regelt § 8a SGB VIII?"}
        assert web.json("/api/chat", question, accept="application/json").status_code == 200

        # A lexical generation that cannot be read (a damaged disk, a hand-edited file) is published.
        lexical = settings.index_dir / "lexical"
        good = (lexical / "CURRENT").read_text(encoding="utf-8")
        broken = lexical / "g999-kaputt"
        broken.mkdir()
        (broken / "version").write_text("999", encoding="utf-8")
        (broken / "chunk_ids.json").write_text("kein JSON", encoding="utf-8")
        (lexical / "CURRENT").write_text(broken.name, encoding="utf-8")

        events = sse_events(web.json("/api/chat", question).text)
        assert [name for name, _ in events] == ["error"]
        health = web.get("/api/health")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "degraded"
        assert body["checks"]["index"]["ok"] and body["checks"]["database"]["ok"]
        assert body["checks"]["search"] == {
            "ok": False,
            "recent_failures": 1,
            "window_seconds": 60,
            "last_error": "JSONDecodeError",
        }

        (lexical / "CURRENT").write_text(good, encoding="utf-8")
        assert web.json("/api/chat", question, accept="application/json").status_code == 200
    finally:
        web.close()
        server.stop()
