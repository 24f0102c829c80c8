"""Birth dates and ages: German context rules, so dates of laws and ages of groups stay unflagged."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from .guards import NeedsDigits

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
_MONTH_NAME = (
    r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    r"(?:Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez)\.)"
)
DATE = (
    rf"(?:{_DAY}\.\s?{_MONTH_NUMBER}\.\s?(?:19|20)?\d{{2}}"  # 03.05.2015, 3.5.15
    rf"|{_DAY}/{_MONTH_NUMBER}/(?:19|20)?\d{{2}}"  # 03/05/2015
    rf"|{_DAY}\.?\s?{_MONTH_NAME}\s+(?:19|20)\d{{2}}"  # 3. Mai 2015, 3 Mai 2015
    r"|(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?!\d)"  # 2015-05-03
)
# Ages and birth years written in words: "neun Jahre", "geboren zweitausendneun".
NUMBER_WORD = (
    r"(?:ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|"
    r"sechzehn|siebzehn|achtzehn|neunzehn|zwanzig|einundzwanzig)"
)

# A date is a birth date only with a birth word right before it, or "am <Datum> geboren". Dates of laws
# ("Stand 29.03.2026", "ab dem 1. Januar 2024") and cut-offs ("die ab dem 1.8.2026 geboren werden")
# therefore stay unflagged.
_BIRTH_BEFORE = (
    r"(?:\bgeb\.?(?:\s*am)?|\bgeboren(?:\s+am)?|\bGeburtsdatum\s*:?|\bGeb\.-?\s?Datum\s*:?|\bGeb\.\s?Dat\.\s*:?"
    r"|\bGeburtstag\s*:?|\bGeburtstag\s+am|\bDOB\s*:?|\(?\*)"
)


class BirthDateRecognizer(NeedsDigits, PatternRecognizer):
    """DATE_OF_BIRTH: "geb. 03.05.2015", "geboren am 3. Mai 2015", "am 3.5.2015 geboren".

    >>> [r.entity_type for r in BirthDateRecognizer().analyze("Lea, geb. 03.05.2015", ["DATE_OF_BIRTH"])]
    ['DATE_OF_BIRTH']
    """

    def __init__(self) -> None:
        patterns = [
            Pattern("nach_geburtswort", rf"(?<={_BIRTH_BEFORE}\s*){DATE}", 0.85),
            Pattern("am_datum_geboren", rf"(?<=\bam\s+){DATE}(?=\s+geboren)", 0.85),
            # "geb. 2015", "Jahrgang 2009": a birth year is less precise but pins a child down with a name.
            Pattern(
                "geburtsjahr",
                r"(?<=\b(?:geb\.?|geboren|Jahrgang|Jg\.|\(?\*)\s*(?:im\s+Jahr\s+)?)(?:19|20)\d{2}(?!\d)",
                0.6,
            ),
        ]
        super().__init__(
            supported_entity="DATE_OF_BIRTH",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=regex.DOTALL | regex.MULTILINE | regex.IGNORECASE,
            name="BirthDateRecognizer",
        )


class AgeRecognizer(PatternRecognizer):
    """AGE: "9 Jahre", "9-jährige", "(9 J.)", "im Alter von 9 Jahren".

    Every age is a candidate; the gate keeps an AGE only next to a PERSON, because an age on its own
    ("ein 9-jähriges Kind", "Jugendliche ab 16 Jahren") identifies nobody.
    """

    def __init__(self) -> None:
        patterns = [
            Pattern("jahre", r"(?<![\d,.])\b\d{1,2}\s*(?:[Jj]ahren?|J\.)(?:\s+alt)?(?!\p{L})", 0.5),
            Pattern("jahre_in_worten", rf"\b(?i:{NUMBER_WORD})\s+Jahre(?:\s+alt)?\b", 0.5),
            Pattern("jaehrig", r"(?<![\d,.])\b\d{1,2}\s?-?\s?jährige[nrms]?\b", 0.5),
            Pattern("klammer", r"(?<=\p{Lu}\p{Ll}+\s?\()\d{1,2}(?=\))", 0.5),
            Pattern("alter_label", r"(?<=\bAlter\s*:\s*)\d{1,2}(?!\d)", 0.5),
        ]
        super().__init__(
            supported_entity="AGE",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=CASE_SENSITIVE,
            name="AgeRecognizer",
        )


class DateRecognizer(NeedsDigits, PatternRecognizer):
    """DATE: every date, a candidate only. The gate keeps one as DATE_OF_BIRTH when it stands right after
    a name ("Kevin Schulz (03.04.2015)", "Lea, 3.4.15,"); dates of laws stay what they are."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="DATE",
            supported_language="de",
            patterns=[Pattern("datum", rf"(?<![\d.])\b{DATE}", 0.5)],
            global_regex_flags=CASE_SENSITIVE,
            name="DateRecognizer",
        )
