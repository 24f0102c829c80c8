"""Word families across derivation and vowel change: what the stemmer keeps apart."""

from __future__ import annotations

import pytest

from knowledge.lexical import LexicalEntry, LexicalSnapshot
from knowledge.query import WORD_FAMILY_WEIGHT, capitalised_inside, prepare
from knowledge.text.german import stems
from knowledge.text.morphology import related_forms


def _everything(_word: str) -> bool:
    return True


@pytest.mark.parametrize(
    ("word", "form"),
    [
        ("gemeldet", "melden"),  # weak participle to infinitive
        ("gemeldet", "meldung"),  # and on to its noun of action
        ("beschäftigt", "beschäftigung"),
        ("meldeten", "melden"),
        ("verweigert", "verweigerung"),  # a verb in "-ern"
        ("erlaubnis", "erlauben"),  # noun to verb
        ("meldung", "melden"),
        ("gefährlich", "gefahr"),  # adjective to noun, umlaut undone
        ("ärztlich", "arzt"),
        ("schulisch", "schule"),
        ("gesetz", "gesetzlich"),  # noun to adjective
        ("gegeben", "geben"),  # strong participle
        ("finanziert", "finanzierung"),  # "-ieren": no "finanziern"
        ("informiert", "information"),
        ("kooperation", "kooperieren"),
    ],
)
def test_related_forms_join_a_word_family(word: str, form: str) -> None:
    assert form in related_forms(word, _everything)


def test_a_strong_verb_changes_its_vowel_back_only_where_the_regular_form_is_unknown() -> None:
    assert "treffen" in related_forms("trifft", {"treffen"}.__contains__)
    assert "sehen" in related_forms("sieht", {"sehen"}.__contains__)
    # "zählt" is "zählen": "zahlen" is a word of its own, tried only when "zählen" is not written.
    assert related_forms("zählt", {"zählen", "zahlen"}.__contains__) == ["zählen"]


def test_only_known_forms_come_back_and_nouns_are_read_as_nouns() -> None:
    known = {"melden", "stundung"}.__contains__
    assert related_forms("gemeldet", known) == ["melden"]
    assert related_forms("stunden", known) == ["stundung"]  # lower case: may be the verb "stunden"
    assert related_forms("stunden", known, noun=True) == []  # "Stunden" are hours, not a deferral
    assert related_forms("zuständig", {"zustand"}.__contains__) == []  # no "-ig" to noun
    assert related_forms("arbeiten", {"arbei", "arbeien"}.__contains__) == []  # no "arbei" + "ten"


def test_nouns_are_the_words_capitalised_inside_a_sentence() -> None:
    found = capitalised_inside("Wie viele Stunden? Darf ein Kind das. Stunden zählen: Arbeit")
    assert found == {"stunden", "kind"}  # "Wie", "Darf", "Stunden" and "Arbeit" start a sentence


def test_the_family_reaches_the_lexical_side_below_the_typed_words() -> None:
    snapshot = LexicalSnapshot.build(
        [
            LexicalEntry("p5", "Die Beschäftigung von Kindern ist verboten.", "§ 5 Verbot der Beschäftigung"),
            LexicalEntry("p7", "Kinder dürfen nicht ohne Aufsicht sein.", "§ 7 Aufsicht"),
        ],
        1,
    )
    asked = prepare("Ist der Junge beschäftigt, wenn er hilft?", snapshot)
    assert asked.extra_terms == {stems(["beschäftigung"])[0]: WORD_FAMILY_WEIGHT}
    assert "beschäftigung" in asked.text  # the dense side sees the corpus word too
    assert WORD_FAMILY_WEIGHT < 1.0  # a guessed relative counts less than a word typed
    assert snapshot.search(asked.lexical_text, 2) == []  # as typed: no word in common
    assert snapshot.search(asked.lexical_text, 2, extra_terms=asked.extra_terms)[0][0] == "p5"


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Später legt er eine Geburtsurkunde vor.", "vorlegen"),
        ("Eine Familie reicht Unterlagen ein. Darf sie das?", "einreichen"),
        ("Die Polizei trifft nachts einen Jungen an", "antreffen"),  # strong verb, vowel changed back
        ("Wie läuft das ab?", "ablaufen"),  # a question: the verb comes first
    ],
)
def test_a_separable_verb_split_in_its_clause_is_joined(text: str, verb: str) -> None:
    from knowledge.text.verbs import separated_verbs

    assert verb in separated_verbs(text)


def test_only_a_particle_that_ends_the_clause_joins_a_verb() -> None:
    from knowledge.text.verbs import separated_verbs

    assert separated_verbs("Er geht nach Hause, legt sich hin") == ["hinlegen"]  # "nach" ends nothing
    assert separated_verbs("Die Frist läuft ab dem Antrag.") == []
    assert separated_verbs("Das Amt Vor") == []  # a capital: no particle


def test_the_split_verb_finds_the_form_the_law_writes() -> None:
    snapshot = LexicalSnapshot.build(
        [
            LexicalEntry("p21", "Die Urkunde ist im Original vorzulegen.", "§ 21 Beweismittel"),
            LexicalEntry(
                "p33", "Maßgebend ist das Geburtsdatum der ersten Angabe.", "§ 33a Altersabhängige Rechte"
            ),
        ],
        1,
    )
    asked = prepare("Er legt die Urkunde später vor.", snapshot)
    assert asked.extra_terms == {stems(["vorzulegen"])[0]: 1.0}  # the same verb: counts as typed
    assert "vorzulegen" in asked.text
