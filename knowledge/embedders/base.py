"""The embedder interface the index depends on."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """What the index records and shows of the similarity side of the search.

    `id` names the embedder and its parameters; the index records it so that a search with a different
    embedder is refused instead of silently returning nonsense.
    """

    @property
    def id(self) -> str: ...

    @property
    def description(self) -> str: ...


@runtime_checkable
class VectorEmbedder(Embedder, Protocol):
    """An embedding model: turns texts into L2-normalised vectors, which Chroma stores and searches.
    The weight-free mode (`knowledge.embedders.ngram`) has none: its similarity channel is sparse."""

    def embed_documents(self, texts: list[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...


class EmbedderUnavailable(RuntimeError):
    """The configured embedder cannot be loaded (e.g. model files missing and downloads disabled)."""
