"""The second stock baseline: LangChain splitter + Chroma with our own embedder, in a tmp directory."""

from __future__ import annotations

from pathlib import Path

from evals.baseline_chroma import ChromaBaseline, EmbedderAdapter
from evals.gold import Gold, Question
from knowledge.embedders.hashing import HashingEmbedder

LAW = (
    "# Jugendschutzgesetz\n\n## § 9 Alkoholische Getränke\n\n"
    "(1) Bier darf an Kinder nicht abgegeben werden.\n\n"
    "## § 10 Rauchen\n\n(1) Tabakwaren dürfen an Kinder nicht abgegeben werden.\n"
)


def test_adapter_speaks_langchain_lists_of_floats() -> None:
    adapter = EmbedderAdapter(HashingEmbedder())
    rows = adapter.embed_documents(["Bier an Kinder", "Tabakwaren"])
    query = adapter.embed_query("Bier")
    assert len(rows) == 2 and len(rows[0]) == len(query) == 4096
    assert all(isinstance(x, float) for x in query)
    assert adapter.embed_documents([]) == []


def test_chroma_baseline_finds_and_matches_by_text_position(tmp_path: Path) -> None:
    (tmp_path / "juschg.md").write_text(LAW + "\n" + "Fülltext ohne Bedeutung. " * 80, encoding="utf-8")
    (tmp_path / "p.txt").write_text("Pressemitteilung über den Fachtag in Unna.", encoding="utf-8")
    files = [("laws/juschg.md", tmp_path / "juschg.md"), ("press/p.txt", tmp_path / "p.txt")]
    baseline = ChromaBaseline(files, HashingEmbedder(), tmp_path / "chroma", k=2)
    assert (tmp_path / "chroma").is_dir()  # persisted where we said, not in the working directory

    question = Question("q1", "Fachtag in Unna", (Gold("press/p.txt", None),))
    hits = baseline.search(question.question)
    assert len(hits) == 2 and hits[0].source == "press/p.txt"
    assert baseline.gold_match(question, hits[0]) == 0
    law_question = Question(
        "q2", "Bier an Kinder", (Gold("laws/juschg.md", "§ 11"), Gold("laws/juschg.md", "§ 9"))
    )
    first = baseline.search(law_question.question)[0]
    assert first.source == "laws/juschg.md"
    assert baseline.gold_match(law_question, first) == 1  # it holds § 9's heading; there is no § 11
    assert baseline.gold_match(question, first) is None
    assert all(c.text == baseline.texts[c.source][c.start : c.end] for c in baseline.chunks)
