"""Street addresses: a street with a house number, or a street someone is said to live in.

A street name on its own ("die Beratungsstelle in der Friedrich-Ebert-Straße") is not flagged: it names
a place, not a household. With a house number, in digits or in words ("Lindenstraße siebzehn"), it is
flagged even when it is an office's address, because the gate cannot tell the two apart and staff do
not need house numbers to ask a legal question. A postcode with its town ("44137 Dortmund") is flagged
on its own too: with a name it narrows a family down to a few streets.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from .names import WORD_START, word_set
from .vouch import NOT_A_STREET

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE

_SUFFIX = (
    r"(?:[Ss]tra(?:ß|ss)e|[Ss]tr\.|[Ww]eg|[Gg]asse|[Pp]latz|[Aa]llee|[Rr]ing|[Dd]amm|[Uu]fer|[Cc]haussee"
    r"|[Pp]fad|[Ss]teig|[Ss]tieg|[Ww]all|[Gg]raben|[Mm]arkt|[Kk]amp|[Tt]wiete|[Ee]ck)"
)
# "Hauptstraße", "Friedrich-Ebert-Straße", "Berliner Straße"; streets named after a date ("Straße des
# 17. Juni") are not covered.
# Streets named after someone with a particle: "van der Dussenplatz", "von-der-Heydt-Straße". A bare
# "von" is left out: "ist von Hauptstraße 3 nach … gezogen".
_STREET_PARTICLE = r"(?:van(?:\s+(?:der|den|de))?\s+|ter\s+|von[\s-](?:der|den|dem)[\s-]|von-)"
# Names of two words, typed with a blank where the sign has a hyphen: "Konrad Adenauer Straße",
# "Franz Josef-Straße".
# "Hermann Josef-Hörle-Allee" too; a cue noun before a street ("Adresse Olaf-Süßebier-Weg 3") is no
# part of its name.
_CUE_NOUN = r"(?:Adresse|Anschrift|Wohnadresse|Meldeadresse|Wohnort|Familie|Frau|Herrn?)\s"
_SPACED_NAME = rf"(?!{_CUE_NOUN})\p{{Lu}}[\p{{L}}\-]*\s\p{{Lu}}[\p{{L}}\-]*?(?:-|\s)"
_SUFFIX_WORD = r"(?:Straße|Strasse|Weg|Platz|Allee|Ring|Gasse|Damm|Ufer|Chaussee)"
# A person's name with a particle inside the street name: "Curt-van der Dussen-Ring".
_PARTICLE_NAME = r"\p{Lu}\p{L}*-(?:van|von|de|ter|zu)(?:[\s-](?:der|den|de|dem))?[\s-]"
STREET = (
    rf"{WORD_START}{_STREET_PARTICLE}?"
    rf"(?:{_PARTICLE_NAME}\p{{Lu}}[\p{{L}}.\-]*?{_SUFFIX}|\p{{Lu}}[\p{{L}}.\-]*?{_SUFFIX}|\p{{Lu}}\p{{Ll}}+(?:er|sche[nr]?)\s+{_SUFFIX}|{_SPACED_NAME}{_SUFFIX_WORD})"
)
# "Am Markt", "In der Aue", "Zur Mühle", "Unter den Linden"
_PREPOSITION_STREET = (
    r"\b(?:Am|Im|Zum|Zur|An\s+der|An\s+den|Auf\s+der|Auf\s+dem|In\s+der|In\s+den|Unter\s+den|"
    r"Hinter\s+der|Hinter\s+dem|Vor\s+dem|Bei\s+der)\s+\p{Lu}[\p{L}\-]+"
)
# "Hauptstraße Nr. 5", "Hauptstraße Hausnr. 5": the number with its label.
_NUMBER_LABEL = r"(?:(?:Nr\.|Nummer|Hausnummer|Hausnr\.)\s?)?"
HOUSE_NUMBER = _NUMBER_LABEL + r"\d{1,3}(?:\s?[a-zA-Z]\b)?(?:\s?[-–/]\s?\d{1,3}[a-z]?)?(?![\d\p{L}]|[.,]\d)"
_UNITS = r"(?:eins|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)"
# "siebzehn", "dreiundzwanzig", "hundertzwölf": only ever read after a street name.
HOUSE_NUMBER_WORD = (
    rf"(?i:(?:{_UNITS}?hundert)?(?:{_UNITS}und)?(?:{_UNITS}|zehn|elf|zwölf|(?:drei|vier|fünf|sech|sieb|acht|neun)zehn"
    r"|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert))(?![\p{L}])"
)
# A street in lower case ("lindenstraße 17"), only with a house number.
_LOWER_SUFFIX = r"(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|pfad|steig|wall|graben|kamp)"
# "van der dussenweg 7", "gunter-jacobi jäckel-platz 12": a particle or a hyphenated name before it.
_LOWER_LEAD = r"(?:va?n\s(?:der\s|den\s|dem\s)?|\p{Ll}+-\p{Ll}+\s)?"
_LOWER_STREET = rf"{WORD_START}{_LOWER_LEAD}\p{{Ll}}[\p{{L}}\-]{{2,}}?{_LOWER_SUFFIX}"
# "Unna", "Castrop-Rauxel", "Mülheim an der Ruhr", "Bad Salzuflen", "St. Ingbert", "Halle (Saale)",
# "Neustadt a. d. Weinstraße", "Frankfurt (Oder)", "Herford/Westf.".
_TOWN_PREFIX = (
    r"(?:(?:Bad|Sankt|St\.|Groß|Klein|Neu|Alt|Hohen|Ober|Unter|Nieder|Markt|Lutherstadt|Hansestadt)\s+)?"
)
_TOWN_LINK = r"(?:an\s+der|am|im|in|ob\s+der|bei|a\.\s?d\.|a\.|i\.|v\.\s?d\.)"
_TOWN = (
    rf"{_TOWN_PREFIX}\p{{Lu}}[\p{{L}}\-]+(?:\s+{_TOWN_LINK}\s*\p{{Lu}}[\p{{L}}\-.]+)?"
    r"(?:\s?\(\p{Lu}[\p{L}.\s]{1,20}\)|\s?/\s?\p{Lu}[\p{L}.]+)?"
)
POSTCODE_TOWN = rf"(?:,?\s+(?:D-)?\d{{5}}\s+{_TOWN})"
# "59425 Unna", "D-59425 Unna" (the country letter of old letterheads).
_POSTCODE = r"(?:(?<![\p{L}\d-])D-|(?<![\d.,/\-])\b)(?!00)\d{5}"
_LIVES = (
    r"\b(?:wohnt|wohnen|wohnhaft|lebt|leben|gemeldet|zieht|ziehen|gezogen|Adresse|Anschrift)\s*:?\s+"
    r"(?:jetzt\s+|nun\s+|noch\s+|inzwischen\s+)?(?:in\s+der\s+|in\s+den\s+|im\s+|am\s+|an\s+der\s+|"
    r"auf\s+der\s+|auf\s+dem\s+|in\s+die\s+|in\s+)?"
)

_PREPOSITIONS = word_set("Am Im Zum Zur An Auf In Unter Hinter Vor Bei")


# Words that follow a five-digit count and are no town: "15000 Euro", "12000 Kinder".
COUNTED = word_set(
    """
    Euro EUR Kinder Menschen Personen Fälle Familien Jugendliche Plätze Stellen Einwohner Einwohnerinnen
    Mitarbeitende Mitarbeiter Beschäftigte Stunden Tage Meldungen Anträge Verfahren Haushalte Schüler
    Schülerinnen Leistungsberechtigte Betten Fachkräfte Euro-Pauschale Mal Exemplare Besucher Zeichen
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
            Pattern("strasse_zahlwort", rf"{STREET}\s+{HOUSE_NUMBER_WORD}{POSTCODE_TOWN}?", 0.8),
            Pattern("strasse_klein", rf"{_LOWER_STREET}\s+(?:{HOUSE_NUMBER}|{HOUSE_NUMBER_WORD})", 0.7),
            Pattern("plz_ort", rf"{_POSTCODE}\s+{_TOWN}", 0.55),
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
        """Reject "Im Fall 2"-like matches, whose "street" is a counting noun, and "15000 Euro"."""
        words = [
            # A hyphenated name is one word: "August-Sorgatz-Straße" is a street, "Im August 3" is not.
            w
            for w in regex.findall(r"\p{L}+(?:-\p{L}+)*", pattern_text)
            if w[0].isupper() and w not in _PREPOSITIONS
        ]
        if pattern_text[:5].isdigit():
            return not words or words[0] in COUNTED
        return bool(words) and words[0] in NOT_A_STREET
