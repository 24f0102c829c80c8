"""Presidio's own recognizers for numbers and codes, tuned for German questions.

The patterns and check-digit logic are Presidio's (and python-stdnum's, phonenumbers'); this module only
sets the language to German, maps Presidio's entity names onto the gate's, adds the spaced formats that
appear on German letters, and removes the false alarms measured on German text.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    DeHealthInsuranceRecognizer,
    DeKfzRecognizer,
    DeSocialSecurityRecognizer,
    DeTaxIdRecognizer,
    DeTaxNumberRecognizer,
    IbanRecognizer,
    PhoneRecognizer,
)
from stdnum.de import idnr, stnr

from .guards import NeedsDigits
from .names import word_set

PHONE_CONTEXT = [
    "telefon", "tel", "handy", "mobil", "rufnummer", "festnetz", "erreichbar", "anrufen", "whatsapp",
]  # fmt: skip
IBAN_CONTEXT = ["iban", "konto", "bankverbindung", "überweisung", "bank"]
SOCIAL_CONTEXT = [
    "sozialversicherung", "rentenversicherung", "versicherungsnummer", "sv-nummer", "svnr", "kvnr",
]  # fmt: skip
PLATE_CONTEXT = ["kennzeichen", "kfz", "auto", "pkw", "fahrzeug", "wagen", "fährt", "halter", "nummernschild"]
# Law abbreviations that share the shape of a number plate ("SGB II 7" is Buch II, § 7).
LAW_ABBREVIATIONS = word_set("SGB BGB GG KKG UVG BEEG KJHG AO ZPO FGG BKGG VwGO VwVfG StGB StPO EU")
_DATE_SHAPE = regex.compile(r"^\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}$")


class GermanPhoneRecognizer(NeedsDigits, PhoneRecognizer):
    """Presidio's phonenumbers-based recognizer for German numbers, minus dates ("03.05.2015")."""

    min_digits = 6

    def __init__(self) -> None:
        super().__init__(supported_language="de", supported_regions=("DE",), context=PHONE_CONTEXT)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Drop what phonenumbers accepts but German text means otherwise.

        "03.05.2015" parses as a Berlin-area number and "§ 1684 BGB" as a short number; a German phone
        number with area code has at least six digits.
        """
        results = super().analyze(text, entities, nlp_artifacts)
        return [
            r
            for r in results
            if not _DATE_SHAPE.match(text[r.start : r.end])
            and len(regex.sub(r"\D", "", text[r.start : r.end])) >= 6
        ]


class GermanIbanRecognizer(NeedsDigits, IbanRecognizer):
    """Presidio's IBAN recognizer (pattern per country plus mod-97 check) for German text."""

    min_digits = 12

    def __init__(self) -> None:
        super().__init__(supported_language="de", context=IBAN_CONTEXT)


class TaxIdRecognizer(NeedsDigits, DeTaxIdRecognizer):
    """Steuer-ID in compact and printed form ("12 345 678 903"), validated with python-stdnum."""

    min_digits = 11

    PATTERNS = [  # noqa: RUF012 - same shape as the base class attribute
        *DeTaxIdRecognizer.PATTERNS,
        Pattern("Steuer-ID (gedruckt)", r"\b[1-9]\d\s\d{3}\s\d{3}\s\d{3}\b", 0.5),
    ]

    def __init__(self) -> None:
        super().__init__(patterns=self.PATTERNS, supported_entity="TAX_ID")

    def validate_result(self, pattern_text: str) -> bool:
        """Check digit and digit-frequency rule as implemented by `stdnum.de.idnr`."""
        return bool(idnr.is_valid(pattern_text))


class TaxNumberRecognizer(NeedsDigits, DeTaxNumberRecognizer):
    """Steuernummer of a Finanzamt, reported as TAX_ID; shapes no German state uses are dropped."""

    min_digits = 10

    def __init__(self) -> None:
        super().__init__(supported_entity="TAX_ID")

    def validate_result(self, pattern_text: str) -> bool | None:
        """None keeps Presidio's score (format only, no check digit); False drops impossible formats."""
        return None if stnr.is_valid(pattern_text) else False


class SocialSecurityNumberRecognizer(NeedsDigits, DeSocialSecurityRecognizer):
    """Rentenversicherungsnummer, also in the printed form "15 070649 C 103"."""

    min_digits = 11

    PATTERNS = [  # noqa: RUF012 - same shape as the base class attribute
        *DeSocialSecurityRecognizer.PATTERNS,
        Pattern("Rentenversicherungsnummer (gedruckt)", r"\b\d{2}\s\d{6}\s?[A-Z]\s?\d{3}\b", 0.5),
    ]

    def __init__(self) -> None:
        super().__init__(
            patterns=self.PATTERNS, context=SOCIAL_CONTEXT, supported_entity="SOCIAL_SECURITY_NUMBER"
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Presidio's VKVV check-digit test on the number without its spaces."""
        return super().validate_result(regex.sub(r"\s", "", pattern_text))


class HealthInsuranceNumberRecognizer(NeedsDigits, DeHealthInsuranceRecognizer):
    """Krankenversichertennummer (KVNR), reported as a social-insurance number."""

    min_digits = 9

    def __init__(self) -> None:
        super().__init__(supported_entity="SOCIAL_SECURITY_NUMBER")


class LicensePlateRecognizer(NeedsDigits, DeKfzRecognizer):
    """German number plates with Presidio's patterns, case-sensitive and with law abbreviations excluded.

    Presidio matches case-insensitively, which turns "und am 12" into a plate; plates are upper case.
    The hyphenated forms ("UN-AB 123", "HBN-CX-799") are distinctive enough to count without context;
    the space-only form ("UN AB 123") needs a word like "Kennzeichen" or "Auto" nearby.
    """

    PATTERNS = [  # noqa: RUF012 - same shape as the base class attribute
        Pattern(p.name, p.regex, 0.5 if "Bindestrich" in p.name else p.score)
        for p in DeKfzRecognizer.PATTERNS
    ]

    def __init__(self) -> None:
        super().__init__(patterns=self.PATTERNS, context=PLATE_CONTEXT, supported_entity="LICENSE_PLATE")
        self.global_regex_flags = regex.DOTALL | regex.MULTILINE

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject law citations: "SGB II 7" and "SGB IX 12" are no plates."""
        return regex.split(r"[\s\-]", pattern_text, maxsplit=1)[0] in LAW_ABBREVIATIONS


class LabelledNumberRecognizer(NeedsDigits, PatternRecognizer):
    """A number right after its German label counts even when its check digit is wrong.

    The check-digit recognizers above drop mistyped numbers, but "Rentenversicherungsnummer 12 030515 S
    124" still identifies the person after a typo, so shape plus label is enough here.
    """

    min_digits = 9

    def __init__(self, entity: str, label: str, number: str) -> None:
        super().__init__(
            supported_entity=entity,
            supported_language="de",
            patterns=[Pattern(f"{entity} nach Bezeichnung", rf"(?<={label}\s*:?\s*){number}(?![\w])", 0.6)],
            name=f"LabelledNumberRecognizer_{entity}",
        )


def labelled_number_recognizers() -> list[LabelledNumberRecognizer]:
    """Steuer-ID/Steuernummer and SV-/KV-Nummer by label; case-insensitive like Presidio's defaults."""
    return [
        LabelledNumberRecognizer(
            "SOCIAL_SECURITY_NUMBER",
            r"\b(?:(?:Renten|Sozial|Kranken)?versicherungs?-?(?:nummer|nr\.?)|Krankenversichertennummer|"
            r"(?:RV|SV|KV)-?(?:Nummer|Nr\.?)|RVNR|SVNR|KVNR)",
            r"(?:\d{2}\s?\d{6}\s?[A-Z]\s?\d{2,3}|[A-Z]\d{9})",
        ),
        LabelledNumberRecognizer(
            "TAX_ID",
            r"\b(?:Steuer-?ID|Steuer-?IdNr\.?|Steueridentifikationsnummer|Identifikationsnummer|IdNr\.?|"
            r"Steuernummer|Steuer-Nr\.?|St\.-?Nr\.?)",
            r"(?:\d{2,3}[\s/]?\d{3,4}[\s/]?\d{3,5}(?:\s?\d{1,3})?)",
        ),
    ]
