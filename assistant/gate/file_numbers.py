"""Aktenzeichen and other case reference numbers.

An office's own file number points straight at one family's file, so it is treated like a name. Court
references of published higher-court decisions ("BGH XII ZB 34/21", "OLG Hamm 2 UF 123/20") are legal
sources and stay unflagged unless someone writes "Az." before them; family-court references of the local
court ("3 F 123/24") are flagged because those proceedings are never published.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from .guards import NeedsDigits

CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE

_PREFIX = (
    r"(?i:\b(?:Az|Aktenz|Gz|Gesch\.-Z|Vorgangs-?Nr|Fall-?Nr|Akten-?Nr|Kassen-?Z|Vg-?Nr)\.?"
    r"|\b(?:Aktenzeichen|Geschäftszeichen|Zeichen|Vorgangsnummer|Fallnummer|Fall-Nummer|Kassenzeichen|"
    r"Aktennummer|Bearbeitungsnummer|Personenkennziffer|Kundennummer|Mitgliedsnummer))"
)
# Words that name a file only with a number that cannot be a count: "Fall 2024-0815", not "Fall 2".
_WEAK_PREFIX = r"(?i:\b(?:Fall|Vorgang|Akte|Verfahren|Sache))"
_WEAK_CODE = (
    r"(?!(?:19|20)\d{2}(?![\d./\-]))"  # a year alone is no file number: "im Fall 2023"
    r"(?:(?=[\p{L}\d./\-]*\d)[\p{L}\d]+(?:[./\-_][\p{L}\d]+)+|\d{4,})(?![\p{L}\d])"
)
# Office numbers without any label: "51-2024-0815", "51.2-1234/25", "51-ASD-0815/24", "ja-2024-0815".
_BARE = (
    r"\b(?:\d{2,3}[-./](?:19|20)\d{2}[-./]\d{3,6}"
    r"|\d{2}\.\d{1,2}-\d{3,6}/\d{2,4}"
    r"|\d{2,4}-[A-Za-z]{2,4}-\d{3,6}(?:/\d{2,4})?"
    r"|[A-Za-z]{2,4}-(?:19|20)?\d{2}-\d{3,6})\b"
)
# "51.2-1234/25", "JA-2024-0815", "3 F 123/24", "4711"; must hold a digit so "Az. Jugendamt" is no match.
_CODE = (
    r"(?:\d{1,3}\s+[A-Z]{1,3}\s+\d{1,6}/\d{2,4}"
    r"|(?=[\p{L}\d./\-]*\d)[\p{L}\d]+(?:[./\-_][\p{L}\d]+)+"
    r"|\d{3,})(?![\p{L}\d])"
)


class FileNumberRecognizer(NeedsDigits, PatternRecognizer):
    """FILE_NUMBER: "Az. 51.2-1234/25", "AZ: JA-2024-0815", "Aktenzeichen 3 F 123/24".

    >>> [r.entity_type for r in FileNumberRecognizer().analyze("AZ: JA-2024-0815", ["FILE_NUMBER"])]
    ['FILE_NUMBER']
    """

    def __init__(self) -> None:
        patterns = [
            Pattern("mit_praefix", rf"(?<=(?:{_PREFIX})\s*:?\s*(?:Nr\.\s*)?){_CODE}", 0.85),
            # Family-court proceedings at the Amtsgericht: "3 F 123/24".
            Pattern("familiengericht", r"\b\d{1,3}\s+F\s+\d{1,6}/\d{2}\b", 0.6),
            Pattern("schwaches_praefix", rf"(?<={_WEAK_PREFIX}\s*:?\s*(?:Nr\.\s*)?){_WEAK_CODE}", 0.7),
            # Office-style references without a prefix: "JA-2024-0815", "51-2024-0815", "51.2-1234/25".
            Pattern("ohne_praefix", _BARE, 0.5),
        ]
        super().__init__(
            supported_entity="FILE_NUMBER",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=CASE_SENSITIVE,
            name="FileNumberRecognizer",
        )
