from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.embedders import EmbedderUnavailable, VectorEmbedder, make_embedder
from knowledge.embedders.hashing import HashingEmbedder
from knowledge.index import IndexEmbedderMismatch, KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType
from knowledge.settings import EmbedderMode, Settings, make_settings


def build_tiny_model(path: Path, corpus: Path) -> Path:
    """A StaticEmbedding over a WordPiece tokenizer trained on the test corpus (no download)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "press").glob("*.txt"))]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(
        texts, trainers.WordPieceTrainer(vocab_size=800, special_tokens=["[UNK]", "[PAD]"])
    )
    import torch

    # StaticEmbedding starts from random weights: seeded, every run builds the same model (unseeded,
    # the dense ranking changed from run to run and with it a close fused top-1, § 42 against § 42a).
    torch.manual_seed(0)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_dim=32)], device="cpu")
    model.save(str(path))
    return path


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    first = HashingEmbedder().embed_documents(["Schutzauftrag bei Kindeswohlgefährdung", "Kita-Platz"])
    second = HashingEmbedder().embed_documents(["Schutzauftrag bei Kindeswohlgefährdung", "Kita-Platz"])
    assert np.array_equal(first, second)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)


def test_hashing_embedder_relates_compound_and_phrase() -> None:
    embedder = HashingEmbedder()
    query = embedder.embed_query("Kindeswohlgefährdung")
    related = embedder.embed_query("Gefährdung des Kindeswohls")
    unrelated = embedder.embed_query("Elterngeld für Selbständige")
    assert float(query @ related) > float(query @ unrelated) + 0.1


def test_auto_mode_falls_back_to_hashed_vectors_when_no_model(tmp_path: Path) -> None:
    settings = make_settings(
        data_dir=tmp_path, embedder=EmbedderMode.AUTO, embedding_model=str(tmp_path / "fehlt")
    )
    embedder = make_embedder(settings)
    assert embedder.id.startswith("hashing") and isinstance(embedder, VectorEmbedder)


def test_missing_model_is_a_clear_error_when_explicitly_requested(tmp_path: Path) -> None:
    settings = make_settings(
        data_dir=tmp_path, embedder=EmbedderMode.SENTENCE_TRANSFORMERS, embedding_model="gibt-es/nicht"
    )
    with pytest.raises(EmbedderUnavailable, match="models pull"):
        make_embedder(settings)


@pytest.mark.model
def test_tiny_sentence_transformer_loads_through_production_code(tmp_path: Path, corpus: Path) -> None:
    model_dir = build_tiny_model(tmp_path / "tiny-model", corpus)
    settings = make_settings(
        data_dir=tmp_path / "var", embedder=EmbedderMode.SENTENCE_TRANSFORMERS, embedding_model=str(model_dir)
    )
    embedder = make_embedder(settings)
    assert isinstance(embedder, VectorEmbedder) and embedder.id == "st:tiny-model:d32"
    vectors = embedder.embed_documents(["Jugendamt Kreis Unna", "Fachtag Jugendhilfe"])
    assert vectors.shape == (2, 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.model
def test_index_refuses_another_embedder_until_reindexed(tmp_path: Path, corpus: Path) -> None:
    model_dir = build_tiny_model(tmp_path / "tiny-model", corpus)
    st_settings = make_settings(
        data_dir=tmp_path / "var", embedder=EmbedderMode.SENTENCE_TRANSFORMERS, embedding_model=str(model_dir)
    )
    index = KnowledgeIndex.open(st_settings)
    _put_sample(index)
    assert index.search("Jugendamt", k=1)
    index.close()

    hashing_settings = make_settings(data_dir=tmp_path / "var", embedder=EmbedderMode.HASHING)
    with pytest.raises(IndexEmbedderMismatch, match="python -m ingest reindex"):
        KnowledgeIndex.open(hashing_settings)

    rebuilt = KnowledgeIndex(hashing_settings, make_embedder(hashing_settings), check_embedder=False)
    assert rebuilt.reindex() == 1
    rebuilt.close()
    reopened = KnowledgeIndex.open(hashing_settings)
    assert reopened.stats().embedder.startswith("hashing")
    assert reopened.search("Jugendamt", k=1)[0].document.id == "probe"


def _put_sample(index: KnowledgeIndex) -> None:
    document = Document(
        id="probe", source="probe.txt", title="Probe", type=DocumentType.OTHER, content_hash="h1"
    )
    chunk = Chunk(
        id="probe:h1:0", document_id="probe", ordinal=0, text="Das Jugendamt im Kreis Unna lädt ein."
    )
    index.put(document, chunk.text, [chunk])


def test_settings_fixture_uses_tmp_dir(settings: Settings, tmp_path: Path) -> None:
    assert settings.data_dir.is_relative_to(tmp_path)
