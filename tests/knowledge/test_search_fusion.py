"""Hybrid fusion: the dense ranking of prose counts less than that of a law's §§."""

from __future__ import annotations

from pathlib import Path

from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType
from knowledge.settings import EmbedderMode, make_settings

_TEXT = "Das Jugendamt bietet Eltern Beratung in Fragen der Erziehung an."


def _document(doc_id: str, document_type: DocumentType) -> tuple[Document, str, list[Chunk]]:
    law = "SGB VIII" if document_type is DocumentType.LAW else None
    # The same title for both: the dense side embeds it with the chunk.
    document = Document(
        id=doc_id, source=f"{doc_id}.md", title="Beratung", type=document_type, content_hash=doc_id, law=law
    )
    paragraph = "§ 16" if law else None
    chunk = Chunk(id=f"{doc_id}:0", document_id=doc_id, ordinal=0, text=_TEXT, paragraph=paragraph)
    return document, _TEXT, [chunk]


def _index(path: Path, *documents: tuple[Document, str, list[Chunk]]) -> KnowledgeIndex:
    index = KnowledgeIndex.open(make_settings(data_dir=path, embedder=EmbedderMode.HASHING))
    for document in documents:
        index.put(*document)
    return index


def test_prose_first_in_every_ranking_scores_below_a_law(tmp_path: Path) -> None:
    law = _index(tmp_path / "law", _document("law", DocumentType.LAW))
    prose = _index(tmp_path / "prose", _document("prose", DocumentType.PRESS_RELEASE))
    try:
        law_hit = law.search(_TEXT, k=1)[0]
        prose_hit = prose.search(_TEXT, k=1)[0]
    finally:
        law.close()
        prose.close()
    assert law_hit.score == 1.0
    # Dense weight 0.3 for prose instead of 0.5, lexical 1.0: (0.3 + 1) / (0.5 + 1) of the ceiling.
    assert abs(prose_hit.score - 1.3 / 1.5) < 1e-6


def test_same_words_in_prose_and_in_a_law_rank_the_law_first(tmp_path: Path) -> None:
    # The press release is indexed first, so every tie of the two rankings goes its way.
    index = _index(
        tmp_path / "both", _document("prose", DocumentType.PRESS_RELEASE), _document("law", DocumentType.LAW)
    )
    try:
        hits = index.search(_TEXT, k=2)
    finally:
        index.close()
    assert [hit.document.id for hit in hits] == ["law", "prose"]
