"""A weight-free embedder: hashed character n-grams of the content words, as dense vectors.

The index's weight-free mode no longer uses it (its n-gram channel is sparse, `knowledge.ngram_channel`);
the evals' stock baselines do (LangChain's Chroma over the same chunks, `evals.bench_stock`,
`evals.baseline_chroma`). Character n-grams survive German compounds and inflection
("Kindeswohlgefährdung" shares most of its n-grams with "Gefährdung des Kindeswohls"), need no model
file and are deterministic across machines.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from knowledge.embedders.base import Vectors
from knowledge.text.german import words


class HashingEmbedder:
    """>>> HashingEmbedder().embed_query("Kita-Platz").shape
    (4096,)
    """

    # Measured on evals/datasets/corpus_questions.jsonl (dense ranking alone, recall@5): 3-5-grams in
    # 1024 dimensions 0.77; 4-6-grams of the content words in 4096 dimensions 0.84. Longer grams carry
    # word stems rather than syllables, and more dimensions mean fewer hash collisions between them.
    def __init__(self, dimension: int = 4096, ngram_range: tuple[int, int] = (4, 6)) -> None:
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
        # "cw": n-grams of content words (stop words removed); changes the vectors, so it is in the id.
        return f"hashing-cw-char{low}-{high}-d{self._dimension}"

    @property
    def description(self) -> str:
        return (
            f"gewichtsfreier Zeichen-n-Gramm-Embedder ({self.id}); kein Sprachmodell geladen, "
            "Bedeutungsähnlichkeit wird nur über Wortbestandteile erkannt"
        )

    def embed_documents(self, texts: list[str]) -> Vectors:
        # Stop words are the most frequent n-gram sources and say nothing about the topic.
        counts = self._vectorizer.transform([" ".join(words(text)) for text in texts])
        # Sublinear term frequency keeps long passages from drowning in repeated n-grams.
        counts.data = np.sign(counts.data) * np.log1p(np.abs(counts.data))
        dense = counts.toarray().astype(np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return dense / norms

    def embed_query(self, text: str) -> Vectors:
        return self.embed_documents([text])[0]
