"""Explicit references in a query ("§ 4 KKG", "Paragraf 42a"): parsed, and their passages come first.

These check retrieval behaviour on the real corpus, like the evals do; the parser cases guard the
forms colleagues write.
"""

from __future__ import annotations

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.text.references import References, parse_references


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Was regelt § 8a Abs. 4 Satz 1 SGB 8?", References(("§ 8a",), ("SGB VIII",))),
        ("§§ 61–64 SGB VIII", References(("§ 61", "§ 62", "§ 63", "§ 64"), ("SGB VIII",))),
        ("Paragraphen 8a und 8b", References(("§ 8a", "§ 8b"))),
        ("nach Paragraf 42a", References(("§ 42a",))),
        ("§§ 67 ff. SGB X", References(("§ 67",), ("SGB X",))),
        ("Was sagt das Jugendschutzgesetz?", References((), ("JuSchG",))),
        ("SGB II und SGB 10", References((), ("SGB X",))),  # SGB II is no law of this corpus
        ("§§ 1-999", References(("§ 1", "§ 999"))),  # a typo range is not expanded
        ("Wann bekommt ein Kind einen Kitaplatz?", References()),
    ],
)
def test_parse_references(query: str, expected: References) -> None:
    assert parse_references(query) == expected


@pytest.mark.parametrize(
    ("query", "source", "paragraph"),
    [
        ("§ 4 KKG", "laws/2022/kkg.md", "§ 4"),
        ("Was regelt § 4 UVG?", "laws/2022/uvg.md", "§ 4"),
        ("Was steht in § 1 BEEG?", "laws/2022/beeg.md", "§ 1"),
        ("Paragraf 42a", "laws/2026/sgb8.md", "§ 42a"),
    ],
)
def test_named_paragraph_comes_first(
    corpus_index: KnowledgeIndex, query: str, source: str, paragraph: str
) -> None:
    top = corpus_index.search(query, k=3)[0]
    assert (top.document.source, top.chunk.paragraph) == (source, paragraph)
    assert 0 < top.score <= 1


def test_named_law_narrows_the_field(corpus_index: KnowledgeIndex) -> None:
    hits = corpus_index.search("Was sagt das Jugendschutzgesetz zu Alkohol?", k=3)
    assert hits[0].document.law == "JuSchG"
    assert hits[0].chunk.paragraph == "§ 9"


def test_repeated_chunks_of_one_paragraph_leave_room_for_others(corpus_index: KnowledgeIndex) -> None:
    hits = corpus_index.search("Was tun bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung?", k=5)
    assert hits[0].chunk.paragraph == "§ 8a"
    assert len({(h.document.law, h.chunk.paragraph) for h in hits}) >= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
