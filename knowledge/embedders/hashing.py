"""A weight-free embedder: hashed character n-grams.

Character n-grams survive German compounds and inflection ("Kindeswohlgefährdung" shares most of its
n-grams with "Gefährdung des Kindeswohls"), need no model file and are deterministic across machines,
so an index built on one server can be searched on another.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from knowledge.embedders.base import Vectors


class HashingEmbedder:
    """>>> HashingEmbedder().embed_query("Kita-Platz").shape
    (1024,)
    """

    def __init__(self, dimension: int = 1024, ngram_range: tuple[int, int] = (3, 5)) -> None:
        self._dimension = dimension
        self._ngram_range = ngram_range
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            n_features=dimension,
            alternate_sign=True,
            lowercase=True,
            norm=None,
            dtype=np.float32,
        )

    @property
    def id(self) -> str:
        low, high = self._ngram_range
        return f"hashing-char{low}-{high}-d{self._dimension}"

    @property
    def description(self) -> str:
        return (
            f"gewichtsfreier Zeichen-n-Gramm-Embedder ({self.id}); kein Sprachmodell geladen, "
            "Bedeutungsähnlichkeit wird nur über Wortbestandteile erkannt"
        )

    def embed_documents(self, texts: list[str]) -> Vectors:
        counts = self._vectorizer.transform(texts)
        # Sublinear term frequency keeps long passages from drowning in repeated n-grams.
        counts.data = np.sign(counts.data) * np.log1p(np.abs(counts.data))
        dense = counts.toarray().astype(np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return dense / norms

    def embed_query(self, text: str) -> Vectors:
        return self.embed_documents([text])[0]
