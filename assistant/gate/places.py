"""Street addresses: a street with a house number, or a street someone is said to live in.

A street name on its own ("die Beratungsstelle in der Friedrich-Ebert-Straße") is not flagged: it names
a place, not a household. With a house number it is flagged even when it is an office's address,
because the gate cannot tell the two apart and staff do not need house numbers to ask a legal question.
A postcode with a town ("59425 Unna") counts only as the tail of a street address.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from .names import WORD_START, word_set

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE

_SUFFIX = (
    r"(?:[Ss]tra(?:ß|ss)e|[Ss]tr\.|[Ww]eg|[Gg]asse|[Pp]latz|[Aa]llee|[Rr]ing|[Dd]amm|[Uu]fer|[Cc]haussee"
    r"|[Pp]fad|[Ss]teig|[Ss]tieg|[Ww]all|[Gg]raben|[Mm]arkt|[Kk]amp|[Tt]wiete|[Ee]ck)"
)
# "Hauptstraße", "Friedrich-Ebert-Straße", "Berliner Straße"; streets named after a date ("Straße des
# 17. Juni") are not covered.
STREET = rf"{WORD_START}(?:\p{{Lu}}[\p{{L}}.\-]*?{_SUFFIX}|\p{{Lu}}\p{{Ll}}+(?:er|sche[nr]?)\s+{_SUFFIX})"
# "Am Markt", "In der Aue", "Zur Mühle", "Unter den Linden"
_PREPOSITION_STREET = (
    r"\b(?:Am|Im|Zum|Zur|An\s+der|An\s+den|Auf\s+der|Auf\s+dem|In\s+der|In\s+den|Unter\s+den|"
    r"Hinter\s+der|Hinter\s+dem|Vor\s+dem|Bei\s+der)\s+\p{Lu}[\p{L}\-]+"
)
HOUSE_NUMBER = r"\d{1,3}(?:\s?[a-zA-Z]\b)?(?:\s?[-–/]\s?\d{1,3}[a-z]?)?(?![\d\p{L}]|[.,]\d)"
POSTCODE_TOWN = (
    r"(?:,?\s+\d{5}\s+\p{Lu}[\p{L}\-]+(?:\s+(?:an\s+der|am|im|in|ob\s+der|bei)\s+\p{Lu}[\p{L}\-]+)?)"
)
_LIVES = (
    r"\b(?:wohnt|wohnen|wohnhaft|lebt|leben|gemeldet|zieht|ziehen|gezogen|Adresse|Anschrift)\s*:?\s+"
    r"(?:jetzt\s+|nun\s+|noch\s+|inzwischen\s+)?(?:in\s+der\s+|in\s+den\s+|im\s+|am\s+|an\s+der\s+|"
    r"auf\s+der\s+|auf\s+dem\s+|in\s+die\s+|in\s+)?"
)

_PREPOSITIONS = word_set("Am Im Zum Zur An Auf In Unter Hinter Vor Bei")
# Nouns that follow "Im"/"Am"/"In der" with a number but are no street ("Im Fall 2", "In der Klasse 5").
NOT_A_STREET = word_set(
    """
    Jahr Jahre Alter Absatz Abs Anlage Ziffer Nummer Nr Satz Seite Kapitel Teil Abschnitt Fall Punkt
    Monat Stufe Klasse Gruppe Schritt Artikel Paragraph Paragraf Buch Band Spalte Zeile Tabelle
    Modul Raum Stock Etage Haus Gebäude Zimmer Level Phase Runde Woche Tag Stunde Minute Uhr Grad
    Prozent Euro Rahmen Bereich Sinne Zuge Anschluss Vorfeld Verlauf Rang Durchschnitt Schnitt
    Ergebnis Vergleich Vorjahr Folgejahr Schuljahr Kalenderjahr Haushaltsjahr Lebensjahr Quartal
    Halbjahr Zeitraum Umfang Regel Ordner Termin Antrag Bescheid Beschluss Urteil Verfahren Gesetz
    Entwurf Kreis Land Bezirk Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar
    Februar März April Mai Juni Juli August September Oktober November Dezember
    """
)


class GermanAddressRecognizer(PatternRecognizer):
    """ADDRESS: "Hauptstraße 12", "Am Markt 3, 59425 Unna", "wohnt in der Lindenallee".

    >>> [r.entity_type for r in GermanAddressRecognizer().analyze("Am Markt 3, 59425 Unna", ["ADDRESS"])]
    ['ADDRESS']
    """

    def __init__(self) -> None:
        patterns = [
            Pattern("strasse_hausnummer", rf"{STREET}\s+{HOUSE_NUMBER}{POSTCODE_TOWN}?", 0.8),
            Pattern(
                "praeposition_hausnummer", rf"{_PREPOSITION_STREET}\s+{HOUSE_NUMBER}{POSTCODE_TOWN}?", 0.6
            ),
            # "wohnt in der Lindenallee", "lebt am Gartenweg 4": the verb makes the street personal.
            Pattern("wohnt_in", rf"(?<={_LIVES}){STREET}(?:\s+{HOUSE_NUMBER})?{POSTCODE_TOWN}?", 0.7),
            Pattern("wohnt_am", rf"(?<={_LIVES})\p{{Lu}}[\p{{L}}\-]+\s+{HOUSE_NUMBER}{POSTCODE_TOWN}?", 0.6),
        ]
        super().__init__(
            supported_entity="ADDRESS",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=CASE_SENSITIVE,
            name="GermanAddressRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject "Im Fall 2"-like matches, whose "street" is a counting noun."""
        words = [
            w for w in regex.findall(r"\p{L}+", pattern_text) if w[0].isupper() and w not in _PREPOSITIONS
        ]
        return bool(words) and words[0] in NOT_A_STREET
