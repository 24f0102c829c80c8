from __future__ import annotations

import pytest

from assistant.answering.entities import (
    DISPLAY_KINDS,
    EVIDENCE_KINDS,
    asked_entities,
    contact_excerpt,
    missing_kinds,
)


@pytest.mark.parametrize(
    "question",
    ["Bis zu welchem Alter gibt es Unterhaltsvorschuss?", "Darf ein 14-Jaehriger jobben?", "UVG ab 12"],
)
def test_an_age_is_asked(question: str) -> None:
    assert asked_entities(question).age


@pytest.mark.parametrize(
    "question", ["Gilt das ab 1. Januar 2024?", "Wie hoch ist der Kostenbeitrag?", "Bis 18 Uhr geöffnet?"]
)
def test_no_age_is_asked(question: str) -> None:
    assert not asked_entities(question).age


def test_an_age_is_a_kind_shown_with_a_passage_not_one_abstention_weighs() -> None:
    asked = asked_entities("Darf ein 14-Jähriger in den Ferien arbeiten?")
    lacking = "Das Verbot des Absatzes 1 gilt nicht für Jugendliche (§ 2 Abs. 3) während der Schulferien."
    holding = "Das Verbot gilt nicht für die Beschäftigung von Kindern über 13 Jahre mit Einwilligung."
    assert missing_kinds(asked, lacking, DISPLAY_KINDS) == ["age"]
    assert missing_kinds(asked, holding, DISPLAY_KINDS) == []
    assert missing_kinds(asked, lacking, EVIDENCE_KINDS) == []


def test_a_sum_of_money_asked_is_not_answered_by_a_list_number() -> None:
    # § 21a SGB I lists numbers but names no sum: it does not say how much Pflegegeld is paid.
    asked = asked_entities("Wie viel Pflegegeld zahlt die Pflegekasse bei Pflegegrad 3 monatlich?")
    listing = "Pflegegeld bei Pflegegrad 2 bis 5 nach § 37 SGB XI; es wird in 3 Raten gezahlt."
    paying = "Das Pflegegeld beträgt monatlich 573 Euro für Pflegegrad 3."
    assert missing_kinds(asked, listing) == ["amount"]
    assert missing_kinds(asked, paying) == []


def test_a_count_asked_is_answered_by_a_number() -> None:
    asked = asked_entities("Wie viel Urlaub steht einem Jugendlichen im Jahr zu?")
    assert missing_kinds(asked, "Der Urlaub beträgt jährlich mindestens 30 Werktage.") == []


def test_a_place_the_corpus_knows_only_as_another_word_must_be_written_as_a_name() -> None:
    asked = asked_entities("Welche Kita in Kamen hat noch freie Plätze?")
    assert missing_kinds(asked, "Als die Eltern zur Kita kamen, waren alle Plätze belegt.") == ["place"]
    assert missing_kinds(asked, "Die Kitas in Bergkamen und Kamen haben freie Plätze.") == []


def test_a_noun_after_in_is_found_as_written() -> None:
    asked = asked_entities("Wann darf das Jugendamt ein Kind in Obhut nehmen?")
    assert "place" not in missing_kinds(
        asked, "Das Jugendamt ist berechtigt, ein Kind in seine Obhut zu nehmen."
    )


def test_since_when_is_not_answered_by_a_span() -> None:
    asked = asked_entities("Seit wann müssen Tagesmütter alle zwei Jahre einen Erste-Hilfe-Kurs nachweisen?")
    assert missing_kinds(asked, "Die Erlaubnis ist auf fünf Jahre befristet.") == ["date"]
    assert missing_kinds(asked, "Seit dem 1. Januar 2024 gilt die Pflicht.") == []


@pytest.mark.parametrize(
    ("question", "answering", "not_answering"),
    [
        (
            "Welche Telefonnummer hat die Pressestelle?",
            "Pressekontakt: Fon 02303 27-1113",
            "Leiter: Max Rolke",
        ),
        ("Wie lautet die E-Mail-Adresse des Jugendamts?", "E-Mail: pk@kreis-unna.de", "Leitung: Frau Muster"),
        ("Öffnungszeiten Jugendamt", "Mo–Fr 8:00 bis 12:30 Uhr", "Kontakt: die Leitung des Jugendamts"),
        (
            "Welche Adresse hat die Beratungsstelle?",
            "Hauptstraße 1, 59425 Unna",
            "Ansprechpartner: Herr Helms",
        ),
    ],
)
def test_a_contact_detail_asked_must_stand_in_the_passage(
    question: str, answering: str, not_answering: str
) -> None:
    asked = asked_entities(question)
    assert missing_kinds(asked, answering) == []
    assert missing_kinds(asked, not_answering) == ["office"]  # a leader's name says who, not how to reach


def test_who_is_responsible_is_still_answered_by_the_office() -> None:
    asked = asked_entities("Wer ist Ansprechpartner im Jugendamt Unna?")
    assert asked.contact == () and missing_kinds(asked, "Leitung des Jugendamts Unna: Frau Muster") == []
    assert not asked_entities("Darf ich die Adresse der Pflegefamilie weitergeben?").office


@pytest.mark.parametrize(
    "question",
    ["Wann ist der nächste Fachtag Kinderschutz?", "Wann war die letzte Sitzung des Jugendhilfeausschusses?"],
)
def test_the_next_or_last_event_asks_for_a_date(question: str) -> None:
    assert asked_entities(question).date


def test_when_a_rule_applies_asks_for_no_date() -> None:
    assert not asked_entities("Wann ist eine Inobhutnahme zulässig?").date


def test_a_name_after_landesjugendamt_is_a_place_when_the_documents_never_use_it() -> None:
    question = "Wann tagt das Landesjugendamt Rheinland?"
    asked = asked_entities(question, is_unknown_word=lambda word: word == "rheinland")
    assert "rheinland" in asked.places


def test_how_much_of_a_benefit_named_geld_asks_for_a_sum() -> None:
    # "Wie viel Pflegegeld gibt es" asks what "Wie hoch ist das Pflegegeld" asks: § 39 SGB VIII says
    # who sets it, not how much it is.
    asked = asked_entities("Wie viel Pflegegeld gibt es bei Pflegegrad 2 für ein Kind mit Behinderung?")
    setting = "Die Höhe des Pflegegeldes setzen die nach Landesrecht zuständigen Behörden fest."
    paying = "Das Pflegegeld beträgt bei Pflegegrad 2 monatlich 347 Euro."
    assert asked.money
    assert missing_kinds(asked, setting) == ["amount"]
    assert missing_kinds(asked, paying) == []


# A press release's contact block as ingest stores it: one run of text with credits and notes.
_CONTACT_BLOCK = (
    "Foto: Anna Beispiel - Kreis Musterland Kreis Musterland - Der Landrat Presse und Kommunikation "
    "Hauptstraße 5 | 12345 Musterstadt Tel. 01234 56-789 Fax: 01234 56-790 E-Mail: presse@example.org "
    "Sämtliche Texte können frei veröffentlicht werden."
)


@pytest.mark.parametrize(
    ("question", "detail", "owner"),
    [
        (
            "Unter welcher Telefonnummer ist die Pressestelle erreichbar?",
            "Tel. 01234 56-789",
            "Kommunikation",
        ),
        ("Welche Adresse hat die Pressestelle?", "Hauptstraße 5 | 12345 Musterstadt", "Kommunikation"),
        ("Wie lautet die E-Mail-Adresse der Pressestelle?", "E-Mail: presse@example.org", "Fax"),
    ],
)
def test_the_asked_contact_detail_is_cut_from_its_block_without_the_credits(
    question: str, detail: str, owner: str
) -> None:
    excerpt = contact_excerpt(asked_entities(question), _CONTACT_BLOCK)
    assert excerpt is not None and excerpt.endswith(detail)
    assert owner in excerpt  # the words before the detail, which say whose it is
    assert "Foto" not in excerpt and "veröffentlicht" not in excerpt


def test_no_contact_excerpt_without_the_asked_detail() -> None:
    asked = asked_entities("Welche Öffnungszeiten hat die Pressestelle?")
    assert contact_excerpt(asked, _CONTACT_BLOCK) is None
