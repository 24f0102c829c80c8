"""The composition root: every backend built once from the settings, only when asked for, closed once."""

from __future__ import annotations

from pathlib import Path

from assistant.answering.llm import LlmAnswerer
from assistant.container import Container
from knowledge.catalog import SqlCatalog
from knowledge.settings import Settings, make_settings
from knowledge.vector_store import ChromaVectorStore


def test_each_backend_is_built_once_and_shared(corpus_settings: Settings) -> None:
    container = Container(corpus_settings)
    assistant = container.assistant
    assert assistant is container.assistant
    assert assistant.index is container.index and assistant.answer_log is container.answer_log
    assert assistant.gate is container.gate
    assert container.index.embedder is container.embedder
    assert container.index.stores is container.stores
    assert isinstance(container.stores.catalog, SqlCatalog)
    assert isinstance(container.stores.vectors, ChromaVectorStore)
    assert container.database is container.answer_log.engine
    assert container.answerer is None and assistant.mode == "builtin"
    assert assistant.ask("Was regelt § 8a SGB VIII?").log_id
    container.close()


def test_nothing_is_opened_before_it_is_asked_for(settings: Settings) -> None:
    container = Container(settings)
    assert container.index.counts() == {"documents": 0, "chunks": 0}
    # The index alone: no answer log database, no gate.
    assert not (settings.data_dir / "assistant.sqlite3").exists()
    assert "gate" not in container.__dict__ and "answer_log" not in container.__dict__
    container.close()


def test_the_settings_select_the_llm_answerer(tmp_path: Path) -> None:
    settings = make_settings(
        data_dir=tmp_path / "var", llm_base_url="http://127.0.0.1:9/v1", llm_model="lokales-modell"
    )
    container = Container(settings)
    assert isinstance(container.answerer, LlmAnswerer)
    assert container.answerer.model_name == "lokales-modell"
    container.close()
