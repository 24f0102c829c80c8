"""Builds the offline Presidio analyzer and anonymizer for German staff questions."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_anonymizer import AnonymizerEngine

from .dates import AgeRecognizer, BirthDateRecognizer
from .file_numbers import FileNumberRecognizer
from .first_names import KnownFirstNameRecognizer
from .identifiers import (
    GermanPhoneRecognizer,
    LicensePlateRecognizer,
    SocialSecurityNumberRecognizer,
    TaxIdRecognizer,
    TaxNumberRecognizer,
    german_iban_recognizer,
    health_insurance_number_recognizer,
    labelled_number_recognizers,
)
from .names import load_first_names, load_surnames
from .nlp import BlankGermanNlpEngine
from .offline import OfflineEmailRecognizer
from .person import GermanPersonRecognizer
from .places import GermanAddressRecognizer

LANGUAGE = "de"


def german_recognizers() -> list[EntityRecognizer]:
    """Every recognizer the gate runs: Presidio's predefined ones for German plus our context rules."""
    first_names, surnames = load_first_names(), load_surnames()
    return [
        GermanPersonRecognizer(first_names, surnames),
        KnownFirstNameRecognizer(first_names, surnames),
        BirthDateRecognizer(),
        AgeRecognizer(),
        GermanAddressRecognizer(),
        FileNumberRecognizer(),
        OfflineEmailRecognizer(),
        GermanPhoneRecognizer(),
        german_iban_recognizer(),
        TaxIdRecognizer(),
        TaxNumberRecognizer(),
        SocialSecurityNumberRecognizer(),
        health_insurance_number_recognizer(),
        LicensePlateRecognizer(),
        *labelled_number_recognizers(),
    ]


def build_analyzer() -> AnalyzerEngine:
    """An AnalyzerEngine that needs no model download and opens no network connection."""
    registry = RecognizerRegistry(recognizers=german_recognizers(), supported_languages=[LANGUAGE])
    # German puts the cue before the value ("Tel. 0231 …", "Kennzeichen UN-AB 123") and sometimes just
    # after it ("0231 123456 (Handy)"), hence a wider window before than after.
    enhancer = LemmaContextAwareEnhancer(context_prefix_count=6, context_suffix_count=2)
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=BlankGermanNlpEngine(),
        supported_languages=[LANGUAGE],
        context_aware_enhancer=enhancer,
    )


def build_anonymizer() -> AnonymizerEngine:
    """Presidio's anonymizer; the gate passes it non-overlapping spans and German placeholders."""
    return AnonymizerEngine()
