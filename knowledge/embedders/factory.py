"""Pick the embedder the settings ask for; heavy libraries are imported only in their branch."""

from __future__ import annotations

import logging

from knowledge.embedders.base import Embedder, EmbedderUnavailable, VectorEmbedder
from knowledge.settings import EmbedderMode, Settings

log = logging.getLogger(__name__)

WEIGHT_FREE_NOTICE = (
    "Kein Sprachmodell konfiguriert oder gefunden: es werden gewichtsfreie Hash-Vektoren verwendet "
    "(JHA_EMBEDDING_MODEL setzt ein sentence-transformers-Modell)."
)


def make_embedder(settings: Settings) -> Embedder:
    """Return the configured embedder; `auto` falls back to the hashed vectors with a clear log line.

    Not to the n-gram channel (`ngram`, opt-in): it is faster and smaller, but measured on the test
    split it found the gold § of fewer follow-up questions (followup_recall@5 0.765 against 0.824, below
    the 0.82 threshold; dev 1.000 both), and cites less precisely (citation_precision 0.555 against 0.565)."""
    match settings.embedding.mode:
        case EmbedderMode.NGRAM:
            return _ngram()
        case EmbedderMode.HASHING:
            return _hashing()
        case EmbedderMode.SENTENCE_TRANSFORMERS:
            if not settings.embedding.model:
                raise EmbedderUnavailable(
                    "JHA_EMBEDDER=sentence-transformers verlangt JHA_EMBEDDING_MODEL (Name oder Pfad)."
                )
            return _sentence_transformer(settings)
        case EmbedderMode.AUTO:
            if settings.embedding.model:
                try:
                    return _sentence_transformer(settings)
                except EmbedderUnavailable as exc:
                    log.warning("%s", exc)
            log.info(WEIGHT_FREE_NOTICE)
            return _hashing()
    raise AssertionError(settings.embedding.mode)  # pragma: no cover - exhaustive match


def describe_embedder_choice(settings: Settings, embedder: Embedder) -> str:
    """One line for `doctor` and the limits page."""
    if not isinstance(embedder, VectorEmbedder) or embedder.id.startswith("hashing"):
        return f"{embedder.description}. {WEIGHT_FREE_NOTICE}"
    return embedder.description


def _hashing() -> Embedder:
    from knowledge.embedders.hashing import HashingEmbedder

    return HashingEmbedder()


def _ngram() -> Embedder:
    from knowledge.embedders.ngram import NgramEmbedder

    return NgramEmbedder()


def _sentence_transformer(settings: Settings) -> Embedder:
    from knowledge.embedders.sentence_transformer import SentenceTransformerEmbedder

    assert settings.embedding.model
    return SentenceTransformerEmbedder(
        settings.embedding.model,
        cache_dir=settings.models_dir,
        allow_downloads=settings.embedding.allow_downloads,
        query_prefix=settings.embedding.query_prefix,
        document_prefix=settings.embedding.document_prefix,
    )
