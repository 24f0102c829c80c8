"""`python -m evals.bench_attack` in its smallest plan: the report's shape and the invariants issue 14
asks for (no HTTP 500 while a document is uploaded and removed under load, health `ok`, a log row per
answer, the fallback at the first-token deadline, model connections closed, a copied cookie refused)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from evals.bench_attack import SMOKE, print_report, run
from knowledge.settings import LlmSettings

LLM_LIMIT = LlmSettings.model_fields["max_concurrent"].default


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return run(SMOKE)


def test_remove_under_load_serves_every_question(report: dict[str, Any]) -> None:
    chat, maintainer, health = report["chat"], report["maintainer"], report["health"]
    assert report["chunks"] > 1000  # the corpus without the maintainer's document
    assert chat["requests"] > 0 and chat["answered"] == chat["requests"]
    assert chat["http_500"] == 0 and chat["errors"] == 0, chat["error_kinds"]
    assert maintainer["operations"] >= 4 and maintainer["failed"] == 0, maintainer["by_kind"]
    assert {"upload 303", "remove 303"} <= set(maintainer["by_kind"])
    assert health["samples"] >= 3 and health["not_ok"] == 0, health["statuses"]
    assert chat["log_rows_written"] == chat["answered"] and chat["log_rows_lost"] == 0


def test_copied_cookie_is_refused_after_logout(report: dict[str, Any]) -> None:
    session = report["session_after_logout"]
    assert session["before_logout"] == 200 and session["logout"] == 303
    assert session["page_after_logout"] == 303  # back to the sign-in page
    assert session["api_after_logout"] == 401
    assert session["rejected"] is True


def test_keepalive_endpoint_falls_back_at_the_deadline(report: dict[str, Any]) -> None:
    trickle = report["trickling_model"]
    single, deadline = trickle["single"], SMOKE.first_token_seconds
    assert single["error"] is None and "nicht rechtzeitig" in single["fallback"]
    assert deadline - 0.05 <= single["fallback_notice_s"] <= deadline + 1.0
    assert trickle["questions"] >= SMOKE.in_flight and trickle["errors"] == 0, trickle["error_kinds"]
    assert sum(trickle["fallbacks"].values()) == trickle["questions"]  # the endpoint never answers
    assert trickle["slowest_s"] <= deadline + 2.0
    assert trickle["health"]["samples"] >= 5 and trickle["health"]["not_ok"] == 0
    assert trickle["model_requests"] >= 2 and trickle["model_connections_most_open"] <= LLM_LIMIT
    assert trickle["model_connections_open_after"] == 0


def test_table_names_every_measurement(report: dict[str, Any]) -> None:
    console = Console(record=True, width=200)
    print_report(console, report)
    text = console.export_text()
    for label in ("Entfernen unter Last", "HTTP 500", "Keep-alive", "/api/health p95", "abgewiesen"):
        assert label in text
    assert "NICHT abgewiesen" not in text
