"""The second stock baseline: the same LangChain splitter, then Chroma similarity search with OUR embedder.

`evals.baseline` answers "what does a BM25 tutorial give you"; this one answers "what does a vector
tutorial give you with the very same embedder". It isolates what our structure-aware chunking, the
lexical side and the fusion add on top of the embedder: the splitter, the files and the embedder are
identical, only the pipeline around them is stock (`RecursiveCharacterTextSplitter(1000, 200)`,
`langchain_chroma.Chroma`, default collection settings, `similarity_search`).

Gold matching is the one of `evals.baseline` (by text position), so both baselines are judged alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from evals.baseline import CHUNK_OVERLAP, CHUNK_SIZE, BaselineChunk, chunk_matches, passage_spans, read_text
from evals.gold import Question
from knowledge.embedders.base import VectorEmbedder


class EmbedderAdapter(Embeddings):
    """Our `Embedder` behind LangChain's `Embeddings` interface (the adapter boundary of the guide)."""

    def __init__(self, embedder: VectorEmbedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        rows: list[list[float]] = np.asarray(self.embedder.embed_documents(list(texts))).tolist()
        return rows

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = np.asarray(self.embedder.embed_query(text)).reshape(-1).tolist()
        return vector


class ChromaBaseline:
    """Build from `(source, path)` pairs into a Chroma directory, then `search(question)`.

    Same surface as `BaselineRetriever` (`chunks`, `search`, `gold_match`), so the eval treats both alike.
    """

    name = "LangChain Chroma"

    def __init__(
        self, files: Sequence[tuple[str, Path]], embedder: VectorEmbedder, directory: Path, k: int = 10
    ) -> None:
        import chromadb.config
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        self.k = k
        self.texts: dict[str, str] = {source: read_text(path) for source, path in files}
        self.spans = {source: passage_spans(text) for source, text in self.texts.items()}
        documents = splitter.create_documents(
            list(self.texts.values()), metadatas=[{"source": source} for source in self.texts]
        )
        self.chunks = [_chunk(d.page_content, d.metadata) for d in documents]
        # Telemetry off: the eval must not try to reach the internet (policy rule 7).
        self._store = Chroma(
            collection_name="baseline",
            embedding_function=EmbedderAdapter(embedder),
            persist_directory=str(directory),
            client_settings=chromadb.config.Settings(anonymized_telemetry=False),
        )
        if documents:
            self._store.add_documents(documents)

    def search(self, query: str) -> list[BaselineChunk]:
        if not self.chunks:
            return []
        return [_chunk(d.page_content, d.metadata) for d in self._store.similarity_search(query, k=self.k)]

    def gold_match(self, question: Question, chunk: BaselineChunk) -> int | None:
        spans = self.spans.get(chunk.source, {})
        return next((n for n, g in enumerate(question.gold) if chunk_matches(g, chunk, spans)), None)


def _chunk(text: str, metadata: dict[str, Any]) -> BaselineChunk:
    start = int(metadata["start_index"])
    return BaselineChunk(str(metadata["source"]), start, start + len(text), text)
