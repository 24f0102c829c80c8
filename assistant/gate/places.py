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
from .vouch import GERMAN_WORD_STREET, NOT_A_STREET, STREET_ADJECTIVE, STREET_OF

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE

_SUFFIX = (
    r"(?:[Ss]tra(?:ß|ss)e|[Ss]tr\.|[Pp]l\.|[Ww]eg|[Gg]asse|[Pp]latz|[Aa]llee|[Rr]ing|[Dd]amm|[Uu]fer|[Cc]haussee"
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
# A month or time word before it is no part of the name: "wohnt seit Mai Konrad-Adenauer-Ring 3" (August
# stays out: "August Bebel Straße").
_TIME_WORD = (
    r"(?:Januar|Februar|März|April|Mai|Juni|Juli|September|Oktober|November|Dezember|Anfang|Ende|Mitte)\s"
)
_SPACED_NAME = rf"(?!{_CUE_NOUN}|{_TIME_WORD})\p{{Lu}}[\p{{L}}\-]*\s\p{{Lu}}[\p{{L}}\-]*?(?:-|\s)"
_SUFFIX_WORD = r"(?:Straße|Strasse|Weg|Platz|Allee|Ring|Gasse|Damm|Ufer|Chaussee|Markt|Graben|Wall|Kamp|Pfad)"
# A person's name with a particle inside the street name: "Curt-van der Dussen-Ring".
_PARTICLE_NAME = r"\p{Lu}\p{L}*-(?:van|von|de|ter|zu)(?:[\s-](?:der|den|de|dem))?[\s-]"
# A particle after the name, joined by a blank: "Dussen vanweg", "Elzbieta-Dussen van-Ring".
_TRAILING_PARTICLE = r"\p{Lu}[\p{L}\-]*\s(?:van|von|de|der|den|ter|zu)-?"
STREET = (
    rf"{WORD_START}{_STREET_PARTICLE}?"
    rf"(?:{_PARTICLE_NAME}\p{{Lu}}[\p{{L}}.\-]*?{_SUFFIX}|{_TRAILING_PARTICLE}{_SUFFIX}|\p{{Lu}}[\p{{L}}.\-]*?{_SUFFIX}|\p{{Lu}}\p{{Ll}}+(?:er|sche[nr]?)\s+{_SUFFIX}|{_SPACED_NAME}{_SUFFIX_WORD})"
)
# A word before the street belongs to its name: "Alte Poststraße", "Lange Straße", "Bochumer
# Landstraße", "Otto Hahnstraße". Not an article, a preposition or a cue noun, and not when a capitalised
# word stands before it too ("Kevin Schulz Hauptstraße 5": "Schulz" is the man, not the street), other
# than a cue noun ("Adresse Otto Hahnstraße 5").
_NOT_LEAD = (
    r"(?:Die|Der|Das|Den|Dem|Des|Ein|Eine|Einer|Einem|Einen|In|Im|Am|An|Auf|Aus|Bei|Beim|Nach|Von|Vom|"
    r"Zur|Zum|Mit|Ab|Seit|Bis|Über|Unter|Und|Oder|Aber|Wo|Wohnt|Lebt|Ihre|Seine|Unsere|"
    r"Adresse|Anschrift|Wohnadresse|Meldeadresse|Wohnort|Familie|Fam|Frau|Herrn?|Kind|Mutter|Vater)"
)
# The adjectives of street names stand before any word: "seit Juni Hohe Str. 17".
_STREET_ADJECTIVE = rf"{STREET_ADJECTIVE}\s+"
_LEAD_WORD = (
    rf"(?:(?<![\p{{L}}\-.]){_STREET_ADJECTIVE}|"
    r"(?:(?<=\b(?:Adresse|Anschrift|Wohnadresse|Meldeadresse|Wohnort):?\s)|(?<!\p{Lu}[\p{L}\-.]*\s))"
    rf"(?<![\p{{L}}\-.])(?!{_NOT_LEAD}\s)\p{{Lu}}\p{{Ll}}[\p{{L}}\-]*\s+)"
)
# After a leading word the bare noun is a street too: "Lange Straße", "Kleiner Ring".
_LED_STREET = rf"(?:{STREET}|{_SUFFIX_WORD}|Str\.|Pl\.)"
_STREET_OF = rf"\b{STREET_OF}"
# "Am Markt", "In der Aue", "Zur Mühle", "Unter den Linden"
_PREPOSITIONS_OF_STREETS = (
    r"(?:Am|Im|Zum|Zur|An\s+der|An\s+den|Auf\s+der|Auf\s+dem|In\s+der|In\s+den|Unter\s+den|"
    r"Hinter\s+der|Hinter\s+dem|Vor\s+dem|Bei\s+der)"
)
# "Zum Alten Forsthaus", "Am Hohen Kamp": an adjective may stand before the noun.
_PREPOSITION_STREET = (
    rf"\b{_PREPOSITIONS_OF_STREETS}\s+(?:\p{{Lu}}\p{{Ll}}+(?:e|en|er|es|em)\s+)?\p{{Lu}}[\p{{L}}\-]+"
)
# "am kanal 7", "zur mühle 3": typed in lower case, only with a house number.
_LOWER_PREPOSITION_STREET = (
    rf"(?<![\p{{L}}\d])(?i:{_PREPOSITIONS_OF_STREETS})(?-i:\s+\p{{Ll}}[\p{{L}}\-]{{2,}})"
)
# "Hauptstraße Nr. 5", "Hauptstraße Hausnr. 5": the number with its label.
_NUMBER_LABEL = r"(?:(?:Nr\.|Nummer|Hausnummer|Hausnr\.)\s?)?"
# "12", "12a", "12 a", "12-14", "3/5", "3 bis 5".
HOUSE_NUMBER = (
    _NUMBER_LABEL
    # A range, but not the floor after a slash: "Roonstraße 5 / 1. OG".
    + r"\d{1,3}(?:\s?[a-zA-Z]\b)?(?:\s?[-–/]\s?\d{1,3}[a-z]?(?!\.\s?(?:OG|Obergeschoss|Etage|Stock)\b)"
    + r"|\s(?:bis|und)\s\d{1,3}[a-z]?)?"
    + r"(?![\d\p{L}]|[.,]\d)"
)
# What follows the number inside the house: "2. OG links", "Whg. 12", "Hinterhaus".
_FLAT = (
    r"(?:\d{1,2}\.\s?(?:OG|Obergeschoss|Etage|Stock)|EG|DG|UG|Erdgeschoss|Dachgeschoss|Souterrain"
    r"|Hinterhaus|Vorderhaus|Seitenflügel|Gartenhaus|Rückgebäude|Seitengebäude|Hinterhof|Anbau"
    r"|(?:Whg|Wohnung|App|Apartment|Zi|Zimmer)\.?\s?\d{1,4}[a-z]?)"
    r"(?:\s+(?:links|rechts|Mitte|li\.|re\.))?"
)
HOUSE_TAIL = rf"(?:(?:,|\s/)?\s+{_FLAT}(?![\p{{L}}\d]))*"
_UNITS = r"(?:eins|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)"
# "siebzehn", "dreiundzwanzig", "hundertzwölf": only ever read after a street name.
HOUSE_NUMBER_WORD = (
    rf"{_NUMBER_LABEL}(?i:(?:{_UNITS}?hundert)?(?:{_UNITS}und)?(?:{_UNITS}|zehn|elf|zwölf|(?:drei|vier|fünf|sech|sieb|acht|neun)zehn"
    r"|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert))(?![\p{L}])"
)
# A street in lower case ("lindenstraße 17"), only with a house number.
_LOWER_SUFFIX = (
    r"(?:straße|strasse|str\.|pl\.|weg|gasse|allee|platz|ring|damm|ufer|pfad|steig|wall|graben|kamp)"
)
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
# "Ortsteil Höingen", "OT Massen" after the town.
_DISTRICT = r"(?:,?\s+(?:Ortsteil|OT|Stadtteil)\s+\p{Lu}[\p{L}\-]+)?"
# After a street the town may be typed in lower case ("goethestr. 5b, 59425 unna").
POSTCODE_TOWN = rf"(?:,?\s+(?:D-)?\d{{5}}\s+(?:{_TOWN}|\p{{Ll}}[\p{{L}}\-]{{2,}}){_DISTRICT})"
# The number may follow an abbreviated street without a blank: "Feldstr.9".
_TO_NUMBER = r"(?:(?<=\.)\s*|\s+)"
ADDRESS_END = rf"{HOUSE_TAIL}{POSTCODE_TOWN}?"
# "59425 Unna", "D-59425 Unna" (the country letter of old letterheads).
_POSTCODE = r"(?:(?<![\p{L}\d-])D-|(?<![\d.,/\-])\b)\d{5}"
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
_COUNTED_LOWER = frozenset(word.lower() for word in COUNTED) | {"mal"}
_NOT_A_STREET_LOWER = frozenset(word.lower() for word in NOT_A_STREET)


class GermanAddressRecognizer(PatternRecognizer):
    """ADDRESS: "Hauptstraße 12", "Am Markt 3, 59425 Unna", "wohnt in der Lindenallee".

    >>> [r.entity_type for r in GermanAddressRecognizer().analyze("Am Markt 3, 59425 Unna", ["ADDRESS"])]
    ['ADDRESS']
    """

    def __init__(self) -> None:
        patterns = [
            Pattern("strasse_hausnummer", rf"{STREET}{_TO_NUMBER}{HOUSE_NUMBER}{ADDRESS_END}", 0.8),
            Pattern(
                "vorwort_strasse", rf"{_LEAD_WORD}{_LED_STREET}{_TO_NUMBER}{HOUSE_NUMBER}{ADDRESS_END}", 0.8
            ),
            Pattern(
                "strasse_zahlwort",
                rf"(?:{_LEAD_WORD}{_LED_STREET}|{STREET})\s+{HOUSE_NUMBER_WORD}{ADDRESS_END}",
                0.8,
            ),
            Pattern("strasse_der", rf"{_STREET_OF}\s+{HOUSE_NUMBER}{ADDRESS_END}", 0.8),
            Pattern(
                "strasse_klein",
                rf"{_LOWER_STREET}{_TO_NUMBER}(?:{HOUSE_NUMBER}|{HOUSE_NUMBER_WORD}){ADDRESS_END}",
                0.7,
            ),
            Pattern("plz_ort", rf"{_POSTCODE}\s+{_TOWN}{_DISTRICT}", 0.55),
            Pattern("plz_ort_klein", rf"{_POSTCODE}\s+\p{{Ll}}[\p{{L}}\-]{{2,}}", 0.5),
            Pattern("postfach", rf"\bPostfach\s+\d{{1,6}}(?:\s\d{{2,4}}){{0,3}}{POSTCODE_TOWN}?", 0.6),
            Pattern("praeposition_hausnummer", rf"{_PREPOSITION_STREET}\s+{HOUSE_NUMBER}{ADDRESS_END}", 0.6),
            Pattern("praeposition_klein", rf"{_LOWER_PREPOSITION_STREET}\s+{HOUSE_NUMBER}{ADDRESS_END}", 0.5),
            # "wohnt in der Lindenallee", "lebt am Gartenweg 4": the verb makes the street personal.
            Pattern("wohnt_in", rf"(?<={_LIVES}){STREET}(?:\s+{HOUSE_NUMBER})?{ADDRESS_END}", 0.7),
            Pattern("wohnt_am", rf"(?<={_LIVES})\p{{Lu}}[\p{{L}}\-]+\s+{HOUSE_NUMBER}{ADDRESS_END}", 0.6),
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
            town = regex.search(r"\p{L}[\p{L}\-]*", pattern_text)
            return town is None or town.group().lower() in _COUNTED_LOWER
        if not words:  # all in lower case: "am kanal 7", but not "im jahr 3"
            noun = regex.findall(r"\p{L}+", pattern_text)[-1:]
            return bool(noun) and noun[0].lower() in _NOT_A_STREET_LOWER
        # "Alter Markt 12" is a street although "im Alter 12" is not: the adjective carries a street noun.
        return words[0] in NOT_A_STREET and not GERMAN_WORD_STREET.search(pattern_text)
