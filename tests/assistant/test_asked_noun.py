"""The noun a question asks for, found after the interrogative; provisions do not count."""

from __future__ import annotations

import pytest

from assistant.answering.asked_noun import asked_noun, asked_noun_by_parts, asked_noun_unknown
from knowledge.index import KnowledgeIndex


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("Welche Impfungen sind für Kinder in der Kita Pflicht?", "Impfungen"),
        ("Wie hoch ist das monatliche Pflegegeld in NRW?", "Pflegegeld"),
        ("Was kostet ein Krippenplatz?", "Krippenplatz"),
        ("Wieviele Plätze hat die Wohngruppe?", "Plätze"),
        ("Wie beantrage ich einen Schwerbehindertenausweis für mein Kind?", "Schwerbehindertenausweis"),
        ("Wo bekommt man Kinderreisepässe?", "Kinderreisepässe"),
        ("Darf das Jugendamt ein Kind in Obhut nehmen?", None),
        ("welche impfungen kita", None),  # nothing written as a noun
    ],
)
def test_asked_noun_is_the_noun_after_the_interrogative(question: str, noun: str | None) -> None:
    assert asked_noun(question) == noun


def test_asked_noun_unknown_to_the_index(corpus_index: KnowledgeIndex) -> None:
    assert asked_noun_unknown(corpus_index, "Welche Impfstoffe brauchen Kinder?")
    assert not asked_noun_unknown(corpus_index, "Welche Aufgaben hat das Jugendamt?")
    # The texts write "§", not "Paragraph": asking for the provision is no unknown thing.
    assert not asked_noun_unknown(corpus_index, "In welchem Paragraphen steht die Inobhutnahme?")


def test_asked_noun_known_only_by_its_compound_parts(corpus_index: KnowledgeIndex) -> None:
    # No text says "Schulbücher" or "Namensänderung"; every text has "Schule", "Buch", "Name".
    assert asked_noun_by_parts(corpus_index, "Welche Schulbücher zahlt das Jobcenter?")
    assert asked_noun_by_parts(corpus_index, "Wie beantrage ich eine Namensänderung für ein Pflegekind?")
    assert not asked_noun_by_parts(corpus_index, "Welche Pflegeerlaubnis braucht eine Großmutter?")
    assert not asked_noun_by_parts(corpus_index, "In welchem Paragraphen steht die Inobhutnahme?")
