"""The stock baseline we compare against: what a LangChain tutorial would build from the same files.

Files are read as plain text (TextLoader; PDF, DOCX and HTML through our loaders, which the stock
loaders would roughly match), split by `RecursiveCharacterTextSplitter(chunk_size=1000,
chunk_overlap=200)` and searched with `langchain_community.retrievers.BM25Retriever` (rank_bm25,
whitespace tokens, no stemming, no stop words): all stock settings.

Gold rule for baseline chunks. A baseline chunk has no § or heading of its own, only its position in
the source text. It matches a gold unit when it comes from the gold source file and

- the unit names no passage (the whole document is gold), or
- the chunk contains the heading line of the gold passage ("### § 8a - Schutzauftrag …", or
  "## Was sich geändert hat" for a prose heading), or
- the chunk lies entirely within the passage's text span: from its heading line to the next heading
  of the same or a higher level (fewer "#"), or to the end of the file.

A chunk that only carries the tail of § 8a into the head of § 8b counts for § 8b (its heading is in
the chunk), not for § 8a; this is strict in the same way our own chunks are, which never straddle two
paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.gold import Gold, Question

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_PARAGRAPH_ID = re.compile(r"^§{1,2}\s*(\d+[a-z]?)\b")
_PLAIN_TEXT = {".md", ".markdown", ".txt"}


@dataclass(frozen=True)
class Span:
    heading_start: int
    heading_end: int  # end of the heading line
    end: int  # where the next heading of the same or a higher level starts


@dataclass(frozen=True)
class BaselineChunk:
    source: str
    start: int
    end: int
    text: str


def passage_spans(text: str) -> dict[str, list[Span]]:
    """Every heading's span, keyed by "§ 8a" for paragraph headings and by the heading text."""
    headings = [
        (m.start(), m.end(), len(m.group(1)), " ".join(m.group(2).split())) for m in _HEADING.finditer(text)
    ]
    spans: dict[str, list[Span]] = {}
    for n, (start, line_end, level, title) in enumerate(headings):
        end = next((s for s, _, lvl, _ in headings[n + 1 :] if lvl <= level), len(text))
        span = Span(start, line_end, end)
        spans.setdefault(title, []).append(span)
        paragraph = _PARAGRAPH_ID.match(title)
        if paragraph:
            spans.setdefault(f"§ {paragraph.group(1)}", []).append(span)
    return spans


def chunk_matches(gold: Gold, chunk: BaselineChunk, spans: dict[str, list[Span]]) -> bool:
    """The gold rule of the module docstring for one unit."""
    if not gold.matches_source(chunk.source):
        return False
    if gold.section is None:
        return True
    return any(
        (chunk.start <= s.heading_start and s.heading_end <= chunk.end)
        or (s.heading_start <= chunk.start and chunk.end <= s.end)
        for s in spans.get(gold.section, [])
    )


class BaselineRetriever:
    """Build from `(source, path)` pairs, then `search(question)`.

    >>> baseline = BaselineRetriever([("laws/2022/kkg.md", corpus / "laws/2022/kkg.md")])  # doctest: +SKIP
    >>> baseline.search("Beratung durch eine insoweit erfahrene Fachkraft")[0].source  # doctest: +SKIP
    'laws/2022/kkg.md'
    """

    def __init__(self, files: Sequence[tuple[str, Path]], k: int = 10) -> None:
        from langchain_community.retrievers import BM25Retriever
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        self.texts: dict[str, str] = {source: read_text(path) for source, path in files}
        self.spans = {source: passage_spans(text) for source, text in self.texts.items()}
        documents = splitter.create_documents(
            list(self.texts.values()), metadatas=[{"source": source} for source in self.texts]
        )
        self.chunks = [
            BaselineChunk(
                d.metadata["source"],
                d.metadata["start_index"],
                d.metadata["start_index"] + len(d.page_content),
                d.page_content,
            )
            for d in documents
        ]
        self._retriever = BM25Retriever.from_documents(documents, k=k) if documents else None

    def search(self, query: str) -> list[BaselineChunk]:
        if self._retriever is None:
            return []
        return [
            BaselineChunk(
                d.metadata["source"],
                d.metadata["start_index"],
                d.metadata["start_index"] + len(d.page_content),
                d.page_content,
            )
            for d in self._retriever.invoke(query)
        ]

    def gold_match(self, question: Question, chunk: BaselineChunk) -> int | None:
        spans = self.spans.get(chunk.source, {})
        return next((n for n, g in enumerate(question.gold) if chunk_matches(g, chunk, spans)), None)


def read_text(path: Path) -> str:
    if path.suffix.lower() in _PLAIN_TEXT:
        return path.read_text(encoding="utf-8")
    from ingest.loaders import load_file

    return load_file(path).text
