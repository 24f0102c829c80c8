"""The settings' sections: the variables administrators set reach the section that reads them, keywords
in the same spelling route there too, and the README documents exactly the variables that exist."""

from __future__ import annotations

import re

import pytest

from knowledge.settings import EmbedderMode, GateAction, environment_names, make_settings
from tests.conftest import PROJECT
from web.settings import WebSettings


def test_variables_reach_their_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JHA_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("JHA_EMBEDDER", "hashing")
    monkeypatch.setenv("JHA_INGEST_MAX_PAGES", "7")
    monkeypatch.setenv("JHA_SUPERSEDED_WEIGHT", "0.5")
    monkeypatch.setenv("JHA_GATE_ACTION", "redact")
    settings = make_settings()
    assert settings.llm.base_url == "http://127.0.0.1:9/v1"
    assert settings.embedding.mode is EmbedderMode.HASHING
    assert settings.ingest.max_pages == 7
    assert settings.search.superseded_weight == 0.5
    assert settings.policy.gate_action is GateAction.REDACT


def test_a_keyword_overrides_one_value_and_the_section_keeps_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JHA_LLM_MODEL", "aus-der-umgebung")
    settings = make_settings(llm_base_url="http://127.0.0.1:9/v1", embedder="ngram")
    assert (settings.llm.base_url, settings.llm.model) == ("http://127.0.0.1:9/v1", "aus-der-umgebung")
    assert settings.embedding.mode is EmbedderMode.NGRAM


def test_replaced_changes_only_what_it_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(data_dir=tmp_path, llm_model="a", llm_max_concurrent=3, search_candidates=40)
    changed = settings.replaced(llm_model="b")
    assert (changed.llm.model, changed.llm.max_concurrent, changed.search.candidates) == ("b", 3, 40)
    assert changed.data_dir == tmp_path and settings.llm.model == "a"


def test_a_bad_value_names_the_variable_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JHA_INGEST_MAX_PAGES", "0")
    with pytest.raises(ValueError, match="max_pages"):
        make_settings()


def test_the_readme_documents_exactly_the_variables_that_exist() -> None:
    readme = set(re.findall(r"\bJHA_[A-Z0-9_]+", (PROJECT / "README.md").read_text(encoding="utf-8")))
    only_tests = {"JHA_TEST_DATABASE_URL"}  # read by the test suite, not by the product
    assert readme - only_tests - environment_names(WebSettings) == set()
    assert environment_names(WebSettings) - readme == set()
