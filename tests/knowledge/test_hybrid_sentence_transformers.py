"""The whole hybrid search with a real sentence-transformers model (the tiny one the tests build):
field-aware BM25F, respelling and abbreviations fuse with the model's dense ranking unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings
from tests.knowledge.test_embedders import build_tiny_model


@pytest.mark.model
def test_hybrid_search_over_the_laws_with_a_sentence_transformers_model(tmp_path: Path, corpus: Path) -> None:
    model_dir = build_tiny_model(tmp_path / "tiny-model", corpus)
    settings = make_settings(
        data_dir=tmp_path / "var", embedder=EmbedderMode.SENTENCE_TRANSFORMERS, embedding_model=str(model_dir)
    )
    index = KnowledgeIndex.open(settings)
    assert (
        not IngestPipeline(index).add([corpus / "laws" / "2026", corpus / "laws" / "2022" / "uvg.md"]).failed
    )
    assert index.stats().embedder.startswith("st:tiny-model")

    query = "Kindeswohlgefaehrdung Schutzauftrag Jugendamt"
    assert index.vector_embedder is not None and index.stores.vectors is not None
    dense = index.stores.vectors.search(index.vector_embedder.embed_query(query), 10)
    assert len(dense) == 10  # the model's own ranking takes part in the fusion

    assert index.search("Inobhutnahme von Kindern und Jugendlichen", k=1)[0].chunk.paragraph == "§ 42"
    for question, paragraph in [
        (query, "§ 8a"),
        ("Was ist eine SPFH?", "§ 31"),
        ("Ab welchem Alter Anspruch auf Unterhaltsvorschuss", "§ 1"),
    ]:
        assert paragraph in [h.chunk.paragraph for h in index.search(question, k=5)], question
    index.close()
