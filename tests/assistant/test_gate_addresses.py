"""Addresses in the forms staff and attackers type them: detected whole, and never stored.

Each case runs the real gate and the real storage filter (redact mode, the mode that stores text): the
labelled value must be found as one ADDRESS and must not survive in what would be written to disk.
"""

from __future__ import annotations

import pytest

from assistant.gate import CaseDataGate, StorageFilter
from assistant.gate.gazetteer import place_words, read_places

ADDRESSES = [
    # street abbreviations, with and without a blank before the number
    ("Die Familie wohnt in der {}, wer ist zuständig?", "Schulstr. 4b"),
    ("Meldeadresse: {}. Stimmt das?", "Bachstr.11"),
    ("Treffen in seiner Wohnung am {} um zehn.", "Goethepl. 6"),
    # adjectives and town adjectives before the street, spaced names
    ("Die Mutter ist in die {} gezogen.", "Neue Mühlenstraße 12"),
    ("Sie wohnt seit März {} bei ihrem Freund.", "Lange Str. 3"),
    ("Post bitte an {} schicken.", "Dortmunder Landstraße 90, 58239 Schwerte"),
    ("Die Adresse {} steht im Antrag.", "Otto Hahnstraße 5"),
    # house numbers with letters and ranges, numbers in words
    ("Das Kind ist in der {} untergebracht.", "Birkenallee 12 c"),
    ("Die Wohngruppe liegt {} am Park.", "Parkweg 21 bis 23"),
    ("sie wohnen jetzt {}, ist das noch unser bezirk?", "Lindenstraße Hausnummer vierzehn"),
    # streets named "… der/des …", with a preposition and an adjective, in lower case
    ("Der Vater wohnt {}, die Mutter weiß es nicht.", "Straße der Freundschaft 8"),
    ("Die Großeltern wohnen {} und wollen helfen.", "Am Langen Graben 5"),
    ("die mutter wohnt jetzt {}, ist das noch unser jugendamt?", "zur mühle 12"),
    # floors and flats, Ortsteil, Postfach, lower-case town after a street
    ("Die Familie ist in die {} gezogen.", "Hansastraße 3, 2. OG rechts"),
    ("Der Vater hat die {} gemietet.", "Wohnung Kirchstraße 1, Whg. 7"),
    ("Die Pflegefamilie lebt {}. Wer zahlt?", "Am Hof 2, 59469 Ense, Ortsteil Bremen"),
    ("Schreiben bitte an {}.", "Postfach 20 01 22, 44131 Dortmund"),
    ("neue anschrift: {}. muss ich die akte abgeben?", "mittelstr. 9, 59423 unna"),
    # a particle joined by a blank
    ("Die Familie ist nach {} gezogen.", "Dussen vanweg 4"),
    # a month before a hyphenated street, an adjective that is also a counting noun ("im Alter"),
    # a floor after a slash
    ("Die Tante wohnt seit Juni {}. Darf das Kind dort bleiben?", "Theodor-Heuss-Allee 8, 1. OG rechts"),
    ("Der Junge wohnt {} bei der Oma. Wer ist zuständig?", "Hohe Straße 4"),
    ("Neue Anschrift der Mutter: {}. Muss ich das melden?", "Kantstraße 9 / 2. OG"),
]


@pytest.fixture(scope="module")
def storage(shared_gate: CaseDataGate) -> StorageFilter:
    return StorageFilter(shared_gate.lexicon)


@pytest.mark.parametrize(("template", "value"), ADDRESSES)
def test_address_is_detected_whole_and_never_stored(
    shared_gate: CaseDataGate, storage: StorageFilter, template: str, value: str
) -> None:
    text = template.format(value)
    start = text.index(value)
    result = shared_gate.check(text)
    addresses = [e for e in result.entities if e.type == "ADDRESS"]
    covered = {i for e in addresses for i in range(e.start, e.end)}
    wanted = {i for i in range(start, start + len(value)) if not text[i].isspace()}
    # "Wohnung Kirchstraße 1": the noun before the street may stay outside the span.
    wanted -= {i for i in wanted if text.startswith("Wohnung ", start) and i < start + len("Wohnung ")}
    assert wanted <= covered, (text, [text[e.start : e.end] for e in result.entities])
    stored = storage.clean(text, result.entities, result.public).text
    assert value.split(",", maxsplit=1)[0] not in stored and "[ADRESSE]" in stored, stored


@pytest.mark.parametrize(
    "text",
    [
        "Gibt es die Beratungsstelle in der Lindenstraße noch?",
        "Im Fall 2 hat das Gericht anders entschieden.",
        "im jahr 3 nach der Reform gab es weniger Fälle.",
        "Welche Zuständigkeit gilt, wenn eine Familie von Kassel nach Göttingen zieht?",
        "Sind 15000 euro Vermögen beim Kostenbeitrag geschützt?",
        "Gilt das für Kinder im Alter 6 bis 10 auch seit Mai 2024?",
    ],
)
def test_street_like_benign_questions_are_no_case_data(shared_gate: CaseDataGate, text: str) -> None:
    assert shared_gate.check(text).entities == ()


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("Ist das Jugendamt Hamm zuständig?", "Ist das Jugendamt Hamm zuständig?"),
        ("Was sagt das OLG Hamm dazu?", "Was sagt das OLG Hamm dazu?"),
        ("Kitas in Castrop-Rauxel und Witten", "Kitas in Castrop-Rauxel und Witten"),
        ("Familien aus Lünen, Hamm und Witten", "Familien aus Lünen, Hamm und Witten"),
        # A town in a name position is masked like any name.
        ("Frau Hamm will Akteneinsicht", "Frau [?] will Akteneinsicht"),
        ("kevin hamm hat angerufen", "[?] [?] hat angerufen"),
    ],
)
def test_towns_are_kept_outside_name_positions(storage: StorageFilter, text: str, stored: str) -> None:
    assert storage.clean(text).text == stored


def test_gazetteer_holds_the_towns_of_the_telephone_network() -> None:
    places = read_places()
    assert {"hamm", "witten", "lünen", "castrop", "rauxel", "oeynhausen"} <= places
    assert "kowalski" not in places
    assert place_words(["Hamm-Uentrop", "Achim bei Bremen"]) == ["achim", "bei", "bremen", "hamm", "uentrop"]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        # Every word is German, so only the shape gives the street away, even when detection misses it.
        (
            "Die Mutter wohnt Alter Markt 12 über der Apotheke.",
            "Die Mutter wohnt [ADRESSE] über der Apotheke.",
        ),
        ("Die WG ist in der Lange Straße 88.", "Die WG ist in der [ADRESSE]."),
        ("Er wohnt Platz der Republik drei.", "Er wohnt [ADRESSE]."),
        ("Das Bürgerbüro am Alten Markt hat zu.", "Das Bürgerbüro am Alten Markt hat zu."),
    ],
)
def test_streets_of_german_words_are_masked_with_their_number(
    storage: StorageFilter, text: str, stored: str
) -> None:
    assert storage.clean(text).text == stored
