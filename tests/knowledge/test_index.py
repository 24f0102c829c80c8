from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk, Document, DocumentType
from knowledge.settings import Settings


def _doc(doc_id: str, text: str, *, digest: str, law: str | None = None, state: date | None = None) -> tuple:
    document = Document(
        id=doc_id,
        source=f"{doc_id}.md",
        title=f"Titel {doc_id}",
        type=DocumentType.LAW if law else DocumentType.OTHER,
        content_hash=digest,
        law=law,
        version_state=state,
        date=state,
    )
    chunks = [
        Chunk(id=f"{doc_id}:{digest}:{n}", document_id=doc_id, ordinal=n, text=part, paragraph=f"§ {n + 1}")
        for n, part in enumerate(text.split("|"))
    ]
    return document, text, chunks


def test_put_replace_and_remove_reach_every_index(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    index.put(*_doc("a", "Inobhutnahme von Kindern|Hilfe zur Erziehung", digest="v1"))
    assert index.stats().chunks == 2
    assert index.search("Inobhutnahme", k=1)[0].chunk.text == "Inobhutnahme von Kindern"

    index.put(*_doc("a", "Vollzeitpflege in einer Pflegefamilie", digest="v2"))
    stats = index.stats()
    assert (stats.chunks, stats.vector_count, stats.lexical_count) == (1, 1, 1)
    assert all(hit.chunk.id.startswith("a:v2") for hit in index.search("Inobhutnahme Pflegefamilie", k=5))

    assert index.remove("a")
    stats = index.stats()
    assert (stats.documents, stats.chunks, stats.vector_count, stats.lexical_count) == (0, 0, 0, 0)
    assert index.search("Pflegefamilie", k=5) == []


def test_failed_embedding_leaves_index_as_it_was(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    index.put(*_doc("a", "Schutzauftrag des Jugendamts", digest="v1"))

    class BrokenEmbedder:
        id = index.embedder.id
        description = "kaputt"

        def embed_documents(self, texts: list[str]) -> None:
            raise RuntimeError("Speicher voll")

        def embed_query(self, text: str) -> None:
            raise RuntimeError("Speicher voll")

    original = index.embedder
    index.embedder = BrokenEmbedder()  # type: ignore[assignment]
    with pytest.raises(RuntimeError):
        index.put(*_doc("a", "Ganz neuer Inhalt", digest="v2"))
    index.embedder = original
    hits = index.search("Schutzauftrag", k=5)
    assert [h.chunk.id for h in hits] == ["a:v1:0"]


def test_newer_law_version_supersedes_older_and_is_preferred(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    text = "Kostenbeitrag junger Menschen aus ihrem Einkommen"
    index.put(*_doc("old", text, digest="o", law="SGB VIII", state=date(2022, 1, 1)))
    index.put(*_doc("new", text, digest="n", law="SGB VIII", state=date(2026, 3, 29)))
    assert index.document("old").superseded_by == "new"  # type: ignore[union-attr]
    assert index.document("new").superseded_by is None  # type: ignore[union-attr]
    hits = index.search("Kostenbeitrag junger Menschen", k=2)
    assert [h.document.id for h in hits] == ["new", "old"]
    assert [h.document.id for h in index.search("Kostenbeitrag", k=2, include_superseded=False)] == ["new"]

    index.remove("new")
    assert index.document("old").superseded_by is None  # type: ignore[union-attr]


def test_filters_by_type_and_date(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    index.put(
        *_doc("law", "Jugendhilfeausschuss Zusammensetzung", digest="l", law="X", state=date(2020, 1, 1))
    )
    index.put(*_doc("note", "Jugendhilfeausschuss tagt im Mai", digest="n"))
    assert {h.document.id for h in index.search("Jugendhilfeausschuss", k=5, types=[DocumentType.OTHER])} == {
        "note"
    }
    dated = index.search("Jugendhilfeausschuss", k=5, date_from=date(2019, 1, 1))
    assert {h.document.id for h in dated} == {"law"}


def test_search_reloads_after_another_process_changed_the_index(settings: Settings) -> None:
    reader = KnowledgeIndex.open(settings)
    assert reader.search("Beistandschaft", k=1) == []
    writer = KnowledgeIndex.open(settings)
    writer.put(*_doc("b", "Beistandschaft des Jugendamts", digest="b1"))
    assert reader.search("Beistandschaft", k=1)[0].document.id == "b"


def test_chroma_runs_without_telemetry(settings: Settings) -> None:
    index = KnowledgeIndex.open(settings)
    index.put(*_doc("t", "Telemetrie bleibt aus", digest="t1"))
    settings_of_client = index.stores.vectors._client.get_settings()  # type: ignore[attr-defined]
    assert settings_of_client.anonymized_telemetry is False
    # Embedded, the vectors live under the data dir; with a Chroma server, nothing is written there.
    assert Path(settings.chroma_dir).is_dir() is (settings.chroma.url is None)


def test_corpus_search_finds_paragraph_8a(corpus_index: KnowledgeIndex) -> None:
    hits = corpus_index.search("Was tun bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung?", k=5)
    assert hits[0].chunk.paragraph == "§ 8a"
    assert hits[0].document.source == "laws/2026/sgb8.md"
    assert hits[0].chunk.section == "§ 8a Schutzauftrag bei Kindeswohlgefährdung"


@pytest.mark.parametrize(
    ("question", "paragraph"),
    [
        ("Hat mein Kind mit einem Jahr Anspruch auf einen Kita-Platz oder eine Tagesmutter?", "§ 24"),
        ("Wann muss das Jugendamt einen UMA vorläufig in Obhut nehmen?", "§ 42a"),
        ("Was ist eine ISE?", "§ 35"),
    ],
)
def test_colleagues_words_find_the_paragraph(
    corpus_index: KnowledgeIndex, question: str, paragraph: str
) -> None:
    hits = corpus_index.search(question, k=5)
    assert paragraph in [h.chunk.paragraph for h in hits]


def test_scores_stay_between_zero_and_one_and_the_clear_winner_scores_one(settings: Settings) -> None:
    """The fused score is divided by what a passage first in every ranking gets: that one scores 1
    and nothing scores more (the answer code reads scores as shares of the best)."""
    index = KnowledgeIndex.open(settings)
    texts = ["Inobhutnahme von Kindern und Jugendlichen", "Hilfe zur Erziehung", "Vollzeitpflege"]
    index.put(*_doc("a", "|".join(texts), digest="v1"))
    hits = index.search("Inobhutnahme von Kindern und Jugendlichen", k=3)
    assert hits[0].chunk.text == "Inobhutnahme von Kindern und Jugendlichen"
    assert hits[0].score == pytest.approx(1.0)
    assert all(0.0 < hit.score < 1.0 for hit in hits[1:])
    index.close()
