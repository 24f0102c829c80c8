"""A question that names an Absatz its § does not have, or a § of a law that is not indexed, abstains;
the same question about an Absatz or a law the index holds is answered."""

from __future__ import annotations

import pytest

from assistant.answering.false_premise import missing_absatz, unindexed_law
from assistant.models import AnswerStatus
from assistant.service import Assistant
from knowledge.index import KnowledgeIndex


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Was regelt § 8a Abs. 9 SGB VIII?", "§ 8a Abs. 9 SGB VIII"),  # § 8a has six Absätze
        ("Welche Frist nennt § 5 Absatz 4 UVG?", "§ 5 Abs. 4 UVG"),  # § 5 UVG has two
        ("§ 45 Abs. 9 Betriebserlaubnis", "§ 45 Abs. 9"),  # no law named: every law holding a § 45
        ("Was steht in § 44 Absatz 7 SGB VIII?", "§ 44 Abs. 7 SGB VIII"),  # § 44 has four Absätze
        ("Was regelt Absatz 7 des § 44 SGB VIII?", "§ 44 Abs. 7 SGB VIII"),  # the Absatz named first
        ("Abs. 8 § 4 KKG Rückmeldung", "§ 4 Abs. 8 KKG"),  # § 4 KKG has six
    ],
)
def test_an_absatz_the_paragraph_does_not_have_is_found(
    corpus_index: KnowledgeIndex, question: str, missing: str
) -> None:
    assert missing_absatz(corpus_index, question) == missing


@pytest.mark.parametrize(
    "question",
    [
        "Was regelt § 8a Abs. 4 SGB VIII?",
        "§ 42a Abs. 3a SGB VIII Verteilung",  # a lettered Absatz
        "Was gilt nach § 3 Abs. 1 JArbSchG?",  # § 3 JArbSchG has no numbered Absätze: left alone
        "Was regelt Absatz 4 des § 44 SGB VIII?",  # the Absatz named first, and § 44 has it
    ],
)
def test_an_absatz_the_paragraph_has_is_not_missing(corpus_index: KnowledgeIndex, question: str) -> None:
    assert missing_absatz(corpus_index, question) is None


@pytest.mark.parametrize(
    ("question", "law"),
    [
        ("Welche Voraussetzungen hat die Leistung nach § 34 SGB XII?", "SGB XII"),
        ("Was steht im SGB II zu den Kosten der Unterkunft?", "SGB II"),
        ("Was regelt § 25a AufenthG für gut integrierte Jugendliche?", "AufenthG"),
    ],
)
def test_a_law_neither_indexed_nor_named_by_a_text_is_found(
    corpus_index: KnowledgeIndex, question: str, law: str
) -> None:
    assert unindexed_law(corpus_index, question) == law


@pytest.mark.parametrize(
    "question",
    [
        "Was regelt § 8a SGB 8?",
        "Hat ein Kind im SGB-XII-Bezug Anspruch auf Hilfe nach § 27 SGB VIII?",  # an indexed law beside it
        "§ 8a KWG Meldung Schule",  # an abbreviation the thesaurus knows, not a law
    ],
)
def test_an_indexed_law_or_a_known_abbreviation_is_not_unindexed(
    corpus_index: KnowledgeIndex, question: str
) -> None:
    assert unindexed_law(corpus_index, question) is None


@pytest.mark.parametrize(
    "question",
    ["Was regelt § 8a Abs. 9 SGB VIII?", "Welche Voraussetzungen hat die Leistung nach § 34 SGB XII?"],
)
def test_a_false_premise_abstains(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED, answer.text
    assert answer.citations == []


def test_an_existing_absatz_is_answered_from_it(assistant: Assistant) -> None:
    answer = assistant.ask("Was regelt § 8a Abs. 4 SGB VIII?")
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert any(c.paragraph == "§ 8a" for c in answer.citations), answer.citations
