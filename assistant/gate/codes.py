"""Number codes in the spellings Presidio's recognizers miss: lower case, spaced, mistyped.

Presidio's recognizers (in `identifiers.py`) want "DE89 3704 …" in capitals and a valid check digit. Staff
type "de89 3704 0044 0532 0130 00", "15 070649 c 103" and a Krankenversichertennummer with a typo; the
shape alone is distinctive enough for these, because no law, date or amount looks like them.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer
from stdnum import iban

from .guards import NeedsDigits

_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0[1-9]|1[0-2])"


class AnyCaseIbanRecognizer(NeedsDigits, PatternRecognizer):
    """IBAN_CODE in any case and grouping, checked with python-stdnum's mod-97 test.

    >>> [r.score for r in AnyCaseIbanRecognizer().analyze("an de89 3704 0044 0532 0130 00", ["IBAN_CODE"])]
    [1.0]
    """

    min_digits = 12

    def __init__(self) -> None:
        patterns = [
            Pattern("iban", r"\b[a-z]{2}\s?\d{2}(?:[ \-]?[a-z0-9]{4}){2,7}(?:[ \-]?[a-z0-9]{1,3})?\b", 0.9),
            # A German IBAN with a typo in its check digits is still somebody's account.
            Pattern("iban_de_form", r"\bde\s?\d{2}(?:\s?\d{4}){4}\s?\d{2}\b", 0.5),
        ]
        super().__init__(
            supported_entity="IBAN_CODE",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=_FLAGS,
            name="AnyCaseIbanRecognizer",
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for a valid IBAN; None (keep the shape's score) for a German-shaped one; else False."""
        compact = regex.sub(r"[\s\-]", "", pattern_text).upper()
        if iban.is_valid(compact):
            return True
        return None if regex.fullmatch(r"DE\d{20}", compact) else False


class InsuranceNumberRecognizer(NeedsDigits, PatternRecognizer):
    """SOCIAL_SECURITY_NUMBER by shape: Rentenversicherungsnummer and Krankenversichertennummer.

    RVNR: area (2 digits), birth date (6), initial of the birth name, serial (2) and check digit (1),
    spaced or not ("15 070649 C 103"); the date part must be a date. KVNR: a letter and 9 digits.

    >>> recognizer = InsuranceNumberRecognizer()
    >>> [r.start for r in recognizer.analyze("rv-nr 15 070649 c 103", ["SOCIAL_SECURITY_NUMBER"])]
    [6]
    """

    min_digits = 9

    def __init__(self) -> None:
        patterns = [
            Pattern("rvnr", rf"\b\d{{2}}\s?{_DAY}\s?{_MONTH}\s?\d{{2}}\s?[a-z]\s?\d{{2}}\s?\d\b", 0.6),
            Pattern("kvnr", r"\b[a-z]\s?\d{9}\b", 0.5),
            Pattern("kvnr_gruppiert", r"\b[a-z]\s?\d{3}\s\d{3}\s\d{3}\b", 0.5),
        ]
        super().__init__(
            supported_entity="SOCIAL_SECURITY_NUMBER",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=_FLAGS,
            name="InsuranceNumberRecognizer",
        )


class LowerCasePlateRecognizer(NeedsDigits, PatternRecognizer):
    """LICENSE_PLATE typed in lower case ("do-ab 123"): only with a hyphen and a real district code.

    The district codes are Faker's de_DE list (about 400); upper-case plates are Presidio's job.
    """

    def __init__(self, districts: tuple[str, ...] | None = None) -> None:
        if districts is None:
            from faker.providers.automotive.de_DE import Provider

            districts = tuple(Provider.license_plate_prefix)
        codes = "|".join(sorted((d.lower() for d in districts), key=len, reverse=True))
        patterns = [
            Pattern(
                "kennzeichen_klein", rf"(?<![\p{{L}}\d-])(?:{codes})-[a-z]{{1,2}}[\s-]?\d{{1,4}}[eh]?\b", 0.6
            )
        ]
        super().__init__(
            supported_entity="LICENSE_PLATE",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=regex.DOTALL | regex.MULTILINE,
            name="LowerCasePlateRecognizer",
        )


class PhoneShapeRecognizer(NeedsDigits, PatternRecognizer):
    """PHONE_NUMBER in German shapes phonenumbers rejects ("0176 987 654 32 1", "+49 (0) 231-…")."""

    min_digits = 8

    def __init__(self) -> None:
        patterns = [
            Pattern(
                "telefon_form",
                r"(?<![\w+/.,-])(?:\+\s?49|0049|0)(?:[\s\-/()]*\d){7,13}(?![\d.,/-]?\d)",
                0.45,
            )
        ]
        super().__init__(
            supported_entity="PHONE_NUMBER",
            supported_language="de",
            patterns=patterns,
            global_regex_flags=regex.DOTALL | regex.MULTILINE,
            name="PhoneShapeRecognizer",
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Dates and years that happen to start with 0 are no phone numbers."""
        digits = regex.sub(r"\D", "", pattern_text)
        return None if 8 <= len(digits) <= 15 else False
