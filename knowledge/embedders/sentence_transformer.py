"""Sentence-transformers models, loaded from local files unless downloads are explicitly allowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.embedders.base import EmbedderUnavailable, Vectors


class SentenceTransformerEmbedder:
    """A sentence-transformers model given by local path or by name (then looked up in the HF cache)."""

    def __init__(
        self,
        model: str,
        *,
        cache_dir: Path | None = None,
        allow_downloads: bool = False,
        query_prefix: str = "",
        document_prefix: str = "",
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self._name = model
        self._query_prefix = query_prefix
        self._document_prefix = document_prefix
        try:
            self._model = SentenceTransformer(
                model,
                device="cpu",
                cache_folder=str(cache_dir) if cache_dir else None,
                local_files_only=not allow_downloads,
            )
        except (OSError, ValueError) as exc:
            hint = (
                "Modelldateien lokal ablegen und JHA_EMBEDDING_MODEL auf den Pfad setzen, "
                "oder einmalig `python -m ingest models pull NAME` ausführen."
            )
            raise EmbedderUnavailable(f"Modell {model!r} nicht ladbar: {exc}. {hint}") from exc
        dimension = self._model.get_embedding_dimension()
        self._dimension = int(dimension) if dimension else 0

    @property
    def id(self) -> str:
        return f"st:{Path(self._name).name}:d{self._dimension}"

    @property
    def description(self) -> str:
        return f"sentence-transformers-Modell {self._name} ({self._dimension} Dimensionen)"

    def embed_documents(self, texts: list[str]) -> Vectors:
        prefixed = [self._document_prefix + text for text in texts]
        vectors = self._model.encode(prefixed, batch_size=32, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        vector = self._model.encode([self._query_prefix + text], normalize_embeddings=True)[0]
        return np.asarray(vector, dtype=np.float32)


def pull_model(name: str, target_dir: Path) -> Path:
    """Download a model once into the data dir (the only command that may reach the model hub)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(name, device="cpu", local_files_only=False)
    destination = target_dir / name.replace("/", "__")
    model.save(str(destination))
    return destination
