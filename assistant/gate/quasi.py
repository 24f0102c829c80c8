"""Quasi-identifiers: details that identify nobody alone and somebody in combination.

"die Klasse 4b der Grundschule Am Park" names a room of 25 children; with a pupil's name, or in redact
mode once the name is blanked, it still points at one child. A place of birth does the same next to a
birth date. The recognizers here only propose candidates (SCHOOL_CLASS, PLACE); `gate.py` keeps a school
class only when a (non-public) person is named in the same question, and a place only near a birth date.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from .names import COMMON_NOUNS, ROLE_WORDS

_FLAGS = regex.DOTALL | regex.MULTILINE

_SCHOOL_KIND = (
    r"(?:[Gg]rundschule|[Gg]esamtschule|[Rr]ealschule|[Hh]auptschule|[Ff]örderschule|[Ss]ekundarschule|"
    r"[Gg]ymnasium|[Bb]erufskolleg|[Mm]ittelschule|[Oo]berschule|[Gg]emeinschaftsschule|[Ss]chule)"
)
_NAME_WORD = r"\p{Lu}[\p{L}\-]+"
# "Grundschule Am Park", "Goethe-Gymnasium", "Gesamtschule Unna-Königsborn", "Städtisches Gymnasium Kamen"
SCHOOL = (
    rf"(?:{_NAME_WORD}\s+)?(?:\p{{Lu}}[\p{{L}}]*-)?{_SCHOOL_KIND}"
    rf"(?:\s+(?:am|an\s+der|Am|An\s+der|im|Im|in|In)?\s*{_NAME_WORD}){{0,2}}"
)
_CLASS = r"(?:1[0-3]|[1-9])\s?[a-fA-F]"
SCHOOL_CLASS = (
    rf"(?:(?:[Kk]lasse|[Kk]l\.)\s+(?:1[0-3]|[1-9])(?!\d)(?:\s?[a-fA-F](?!\p{{L}}))?|(?<![\d§.])(?<!§\s)(?<!§\s\s)(?<!Abs\.\s)(?<!Nr\.\s)\b{_CLASS}\b)"
    rf"(?:\s+(?:der|an\s+der|in\s+der|im|am|des)\s+{SCHOOL})?"
)
_PLACE_CUE = r"(?:\bin|\baus|\bGeburtsort\s*:?|\bgeboren\s+in)\s+"


class SchoolClassRecognizer(PatternRecognizer):
    """SCHOOL_CLASS candidates: "Klasse 4b", "die 7c der Gesamtschule Unna", "Klasse 5 am Goethe-Gymnasium".

    >>> [r.entity_type for r in SchoolClassRecognizer().analyze("in der Klasse 4b", ["SCHOOL_CLASS"])]
    ['SCHOOL_CLASS']
    """

    def __init__(self) -> None:
        super().__init__(
            supported_entity="SCHOOL_CLASS",
            supported_language="de",
            patterns=[
                Pattern("klasse_schule", rf"{SCHOOL_CLASS}", 0.5),
                Pattern(
                    "schule_allein", rf"(?<=\b(?:[Aa]uf|[Aa]n|[Ii]n)\s+(?:der|dem|die|das)\s+){SCHOOL}", 0.4
                ),
            ],
            global_regex_flags=_FLAGS,
            name="SchoolClassRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """A bare "4b" needs a letter that cannot be an Absatz or a § ("§ 4b" is excluded by the regex)."""
        return not regex.search(r"[A-Za-z]", pattern_text)


class PlaceRecognizer(PatternRecognizer):
    """PLACE candidates: a capitalised word after "in", "aus", "Geburtsort" ("geboren in Dortmund")."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PLACE",
            supported_language="de",
            patterns=[
                Pattern("ort", rf"(?<={_PLACE_CUE}){_NAME_WORD}(?:\s+(?:an\s+der|am)\s+{_NAME_WORD})?", 0.4)
            ],
            global_regex_flags=_FLAGS,
            name="PlaceRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Nouns and roles after "in"/"aus" are no places ("in Obhut", "aus Sicht")."""
        first = pattern_text.split(maxsplit=1)[0]
        return (
            first in COMMON_NOUNS
            or first in ROLE_WORDS
            or first.lower().endswith(("ung", "heit", "keit", "sicht"))
        )
