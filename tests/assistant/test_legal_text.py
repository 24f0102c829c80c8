"""Absätze reassembled from chunks, which Absätze qualify others, and which sentences can stand alone."""

from __future__ import annotations

import pytest

from assistant.answering.legal_text import absaetze_of, display_lines, qualifies, refers_to
from assistant.answering.sentences import split_sentences
from assistant.answering.statements import is_statement, opens_with_pronoun
from ingest.chunking import MAX_CHARS, chunk_document
from knowledge.models import Chunk, DocumentType


def _chunk(ordinal: int, text: str, absaetze: tuple[str, ...]) -> Chunk:
    return Chunk(f"c{ordinal}", "d", ordinal, text, "§ 1 Berechtigte", "§ 1", absaetze)


def test_an_absatz_split_over_two_chunks_is_one_absatz_again() -> None:
    chunks = [
        _chunk(0, "(1) Anspruch hat, wer\n1. das zwölfte Lebensjahr noch nicht vollendet hat,", ("1",)),
        _chunk(
            1,
            "2. bei einem Elternteil lebt.\n(1a) Über Absatz 1 Nummer 1 hinaus besteht Anspruch.",
            ("1", "1a"),
        ),
        _chunk(
            2, "(2) Ein Elternteil gilt als dauernd getrennt lebend im Sinne des Absatzes 1 Nr. 2.", ("2",)
        ),
    ]
    absaetze = absaetze_of(chunks)
    assert [a.number for a in absaetze] == ["1", "1a", "2"]
    assert absaetze[0].text.endswith("2. bei einem Elternteil lebt.")
    assert absaetze[0].chunk_id == "c0" and absaetze[1].chunk_id == "c1"


def test_an_absatz_longer_than_a_chunk_reads_as_the_law_writes_it() -> None:
    """Ingest's splitter lets the pieces of an over-long Absatz overlap; nothing is shown twice."""
    items = ", ".join(
        f"{n}. Kinder und Jugendliche in der Maßnahme Nummer {n} nach diesem Buch" for n in range(1, 40)
    )
    absatz = f"(1) Als Bundesstatistik sind laufend Erhebungen durchzuführen über {items}."
    law = (
        f"# Gesetz\n\n## § 98 Zweck und Umfang der Erhebung\n\n{absatz}\n\n(2) Ferner über Sorgeerklärungen."
    )
    drafts = chunk_document(law, DocumentType.LAW, "Gesetz")
    assert len(absatz) > MAX_CHARS and len(drafts) > 2  # the Absatz really is split
    chunks = [_chunk(n, d.text, d.absaetze) for n, d in enumerate(drafts)]
    first, second = absaetze_of(chunks)
    assert " ".join(first.text.split()) == absatz
    # The search may find the Absatz by any of its chunks: each is its own.
    assert first.chunks == tuple(c.id for c in chunks[:-1]) and second.chunks == (chunks[-1].id,)
    assert second.text == "(2) Ferner über Sorgeerklärungen."


def test_a_paragraph_without_numbered_absaetze_is_one_unit() -> None:
    absaetze = absaetze_of([_chunk(0, "Die Pflegeperson hat Anspruch auf Beratung.\nDies gilt auch …", ())])
    assert len(absaetze) == 1 and absaetze[0].number is None


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (
            "(1a) Über Absatz 1 Nummer 1 hinaus besteht Anspruch bis zur Vollendung des 18. Lebensjahres.",
            True,
        ),
        ("(3) Absatz 1 gilt nicht, wenn der Elternteil mit dem anderen Elternteil zusammenlebt.", True),
        ("(4) Abweichend von Absatz 1 kann das Jugendamt …", True),
        ("(5) Die Absätze 1 und 2 gelten entsprechend für Mitarbeiter von Zollbehörden.", True),
        ("(2) Ein Elternteil gilt als getrennt lebend im Sinne des Absatzes 1 Nr. 2, wenn …", False),
        ("(3) Das Jugendamt soll an Ort und Stelle überprüfen, ob die Voraussetzungen bestehen.", False),
    ],
)
def test_which_absatz_qualifies_absatz_1(candidate: str, expected: bool) -> None:
    chosen, other = absaetze_of([_chunk(0, f"(1) Anspruch hat, wer …\n{candidate}", ("1",))])
    assert qualifies(other, chosen) is expected


def test_a_definition_referring_to_the_absatz_is_related_but_no_qualifier() -> None:
    chosen, other = absaetze_of(
        [_chunk(0, "(1) Anspruch hat, wer …\n(2) … im Sinne des Absatzes 1 Nr. 2 …", ("1", "2"))]
    )
    assert refers_to(other, chosen) and not qualifies(other, chosen)


def test_inline_enumeration_is_shown_one_item_per_line() -> None:
    text = (
        "(1) Einer Erlaubnis bedarf nicht, wer ein Kind 1. im Rahmen von Hilfe zur Erziehung, "
        "2. als Vormund, 3. als Verwandter bis zum dritten Grad, 4. bis zur Dauer von acht Wochen über Tag "
        "und Nacht aufnimmt. Am 1. Januar gilt das auch."
    )
    lines = display_lines(text)
    assert lines[0] == "(1) Einer Erlaubnis bedarf nicht, wer ein Kind"
    assert lines[1:4] == [
        "1. im Rahmen von Hilfe zur Erziehung,",
        "2. als Vormund,",
        "3. als Verwandter bis zum dritten Grad,",
    ]
    assert lines[4].startswith("4. bis zur Dauer von acht Wochen") and lines[4].endswith(
        "Am 1. Januar gilt das auch."
    )
    assert " ".join(lines) == text


@pytest.mark.parametrize(
    "sentence",
    [
        "Maßnahmen nach § 2 sind Maßnahmen, die frühestens ab dem 1. Januar 2019 begonnen werden und 1.",
        "Leistungen bei häuslicher Pflege: a) Sachleistung, b) Pflegegeld, 2. teilstationäre Pflege, 3.",
        "Der Verfahrenslotse hat zwei Aufgaben: 1. Unterstützung und Begleitung im Einzelfall (§ 10b).",
        "*Beispielmaterial – fiktive Pressemitteilung.*",
        "> **Beispielmaterial:** Dieses Dokument ist ein Beispiel und keine Rechtsberatung.",
        "Meldungsdatum: 13.02.2026",
        "Probleme erkennen, Lösungen konkretisieren",
        "Pressekontakt: Max Rolke | Fon 02303 27-1113 | E-Mail max.rolke@kreis-unna.de",
    ],
)
def test_fragments_headings_and_furniture_are_no_statements(sentence: str) -> None:
    assert not is_statement(sentence)


@pytest.mark.parametrize(
    ("sentence", "points_back"),
    [
        ("Dieses kann auf Wunsch der Eltern in ihrer Wohnung stattfinden.", True),
        ("Es regelt in § 4 KKG, wie Berufsgeheimnisträger vorgehen.", True),
        ("Diese Leistung wird durch den örtlichen Träger erbracht.", True),
        ("Das gilt auch für junge Volljährige.", True),
        ("Das Jugendamt soll die Eltern beraten.", False),
        ("Es besteht ein Anspruch auf Beratung.", False),
    ],
)
def test_a_pronoun_opening_needs_the_sentence_before(sentence: str, points_back: bool) -> None:
    assert is_statement(sentence)
    assert opens_with_pronoun(sentence) is points_back


def test_a_heading_line_is_not_glued_to_the_next_sentence() -> None:
    text = "Meldungsdatum: 13.02.2026\nEingeladen hatte der Kreis.\nWorkshops\nEs gab fünf Workshops."
    assert split_sentences(text) == [
        "Meldungsdatum: 13.02.2026",
        "Eingeladen hatte der Kreis.",
        "Workshops",
        "Es gab fünf Workshops.",
    ]


def test_a_list_stays_one_sentence() -> None:
    text = (
        "(1) Anspruch hat, wer\n1. das zwölfte Lebensjahr nicht vollendet hat,\n2. bei einem Elternteil lebt."
    )
    assert split_sentences(text) == [" ".join(text.splitlines())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Anspruch besteht bis zur Vollendung des 18. Lebensjahres des Kindes. Er endet dann.",
            ["Anspruch besteht bis zur Vollendung des 18. Lebensjahres des Kindes.", "Er endet dann."],
        ),
        ("Elterngeld Plus ab dem 15. Lebensmonat.", ["Elterngeld Plus ab dem 15. Lebensmonat."]),
        ("Ab dem 3. Kind gibt es mehr.", ["Ab dem 3. Kind gibt es mehr."]),
        (
            "Das gilt nach Absatz 3. Der Arbeitgeber zahlt.",
            ["Das gilt nach Absatz 3.", "Der Arbeitgeber zahlt."],
        ),
        ("Das Gesetz gilt seit 1990. Es regelt viel.", ["Das Gesetz gilt seit 1990.", "Es regelt viel."]),
        (
            "Im Sinne dieses Buches ist 1. Kind, wer noch nicht 14 Jahre alt ist, 2. Jugendlicher, wer"
            " 14, aber noch nicht 18 Jahre alt ist, 3. junger Volljähriger, wer noch nicht 27 ist. Das gilt.",
            [
                "Im Sinne dieses Buches ist 1. Kind, wer noch nicht 14 Jahre alt ist, 2. Jugendlicher,"
                " wer 14, aber noch nicht 18 Jahre alt ist, 3. junger Volljähriger, wer noch nicht 27 ist.",
                "Das gilt.",
            ],
        ),
    ],
)
def test_an_ordinal_before_a_noun_does_not_end_the_sentence(text: str, expected: list[str]) -> None:
    # "des 18. Lebensjahres" split in two left "Lebensjahres des Kindes …" as a statement of its own;
    # an inline enumeration "1. Kind, …, 2. Jugendlicher, …" split at its numbers left fragments (a
    # model's statement about one item kept only the words after the last number, § 7 SGB VIII).
    assert split_sentences(text) == expected
