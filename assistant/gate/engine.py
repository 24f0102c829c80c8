"""Builds the offline Presidio analyzer and anonymizer for German staff questions."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_anonymizer import AnonymizerEngine

from .codes import (
    AnyCaseIbanRecognizer,
    InsuranceNumberRecognizer,
    LowerCasePlateRecognizer,
    PhoneShapeRecognizer,
)
from .dates import AgeRecognizer, BirthDateRecognizer, DateRecognizer
from .file_numbers import FileNumberRecognizer
from .identifiers import (
    GermanIbanRecognizer,
    GermanPhoneRecognizer,
    HealthInsuranceNumberRecognizer,
    LicensePlateRecognizer,
    SocialSecurityNumberRecognizer,
    TaxIdRecognizer,
    TaxNumberRecognizer,
    labelled_number_recognizers,
)
from .lexicon import Lexicon
from .name_tokens import NameTokenRecognizer
from .nlp import BlankGermanNlpEngine
from .offline import OfflineEmailRecognizer
from .person import person_recognizers
from .places import GermanAddressRecognizer
from .quasi import PlaceRecognizer, SchoolClassRecognizer
from .spelled import SpelledOutRecognizer

LANGUAGE = "de"


def german_recognizers(lexicon: Lexicon) -> list[EntityRecognizer]:
    """Every recognizer the gate runs: Presidio's predefined ones for German plus our context rules."""
    return [
        *person_recognizers(lexicon),
        NameTokenRecognizer(lexicon),
        BirthDateRecognizer(),
        DateRecognizer(),
        AgeRecognizer(),
        GermanAddressRecognizer(),
        FileNumberRecognizer(),
        OfflineEmailRecognizer(),
        SpelledOutRecognizer("EMAIL_ADDRESS"),
        GermanPhoneRecognizer(),
        PhoneShapeRecognizer(),
        SpelledOutRecognizer("PHONE_NUMBER"),
        GermanIbanRecognizer(),
        AnyCaseIbanRecognizer(),
        TaxIdRecognizer(),
        TaxNumberRecognizer(),
        SocialSecurityNumberRecognizer(),
        HealthInsuranceNumberRecognizer(),
        InsuranceNumberRecognizer(),
        LicensePlateRecognizer(),
        LowerCasePlateRecognizer(),
        *labelled_number_recognizers(),
        SchoolClassRecognizer(),
        PlaceRecognizer(),
    ]


def build_analyzer(lexicon: Lexicon) -> AnalyzerEngine:
    """An AnalyzerEngine that needs no model download and opens no network connection."""
    registry = RecognizerRegistry(recognizers=german_recognizers(lexicon), supported_languages=[LANGUAGE])
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
