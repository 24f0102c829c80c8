"""The case-data gate (policy rule 1): find personal data in a question before anything else sees it."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .combination import resolve, unknown_word_pairs
from .lexicon import DEFAULT_DICTIONARY, Lexicon
from .model import ENTITY_TYPES, PLACEHOLDERS, DetectedEntity, GateResult
from .public import KnownTerms

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

# Candidate types that only become case data in context (see `combination.resolve`).
CANDIDATE_TYPES = frozenset({*ENTITY_TYPES, "DATE"})
_WARM_UP_TEXT = (
    "Frau Test, geb. 01.02.2015, Tel. 0231 1234567, test@example.org, DE89 3704 0044 0532 0130 00, "
    "Hauptstraße 1, 59425 Unna, Az. 51-2024-0815, UN-AB 123, Klasse 4b"
)
# Importing Presidio pulls in transformers and torch (about 3 s) for NLP engines the gate never uses.
_UNUSED_HEAVY_MODULES = ("transformers", "torch")


class CaseDataGate:
    """Detects and redacts client case data in a staff question, offline.

    >>> gate = CaseDataGate()
    >>> result = gate.check("Frau Yilmaz, Tel. 0231 1234567: darf ich das Jugendamt informieren?")
    >>> result.entity_types, result.redacted
    (['PERSON', 'PHONE_NUMBER'], 'Frau [PERSON], Tel. [TELEFON]: darf ich das Jugendamt informieren?')
    """

    def __init__(self, score_threshold: float = 0.4, dictionary: Path = DEFAULT_DICTIONARY) -> None:
        self.score_threshold = score_threshold
        self.dictionary = dictionary
        # Presidio, spaCy, the dictionary and the name lists take about a second to set up; the gate builds
        # them on first use so that importing or constructing it stays cheap, and the lock keeps
        # concurrent first calls to one build.
        self._engines: tuple[AnalyzerEngine, AnonymizerEngine, Lexicon] | None = None
        self._lock = threading.Lock()

    @property
    def lexicon(self) -> Lexicon:
        """The dictionary and name lists the gate decides with (shared with the storage filter)."""
        return self._load()[2]

    def check(self, text: str, known: KnownTerms | None = None) -> GateResult:
        """Every personal-data span in `text` and the text with those spans replaced.

        `known` is what the knowledge base makes known: its public names are no case data unless other
        case data stands in the same question (they come back in `GateResult.public`), and its words are
        no unknown words.
        """
        if not text.strip():
            return GateResult(entities=(), redacted=text)
        known = known or KnownTerms()
        analyzer, anonymizer, lexicon = self._load()
        results = analyzer.analyze(text=text, language="de", score_threshold=self.score_threshold)
        candidates = [
            DetectedEntity(type=r.entity_type, start=r.start, end=r.end, score=round(float(r.score), 3))
            for r in results
            if r.entity_type in CANDIDATE_TYPES
        ]
        candidates += unknown_word_pairs(text, lexicon, known.vocabulary)
        candidates = [_with_bracket(text, c) for c in candidates]
        entities, public_names = resolve(without_overlaps(candidates), text, known.public)
        return GateResult(
            entities=entities, redacted=_redact(anonymizer, text, entities), public=public_names
        )

    def _load(self) -> tuple[AnalyzerEngine, AnonymizerEngine, Lexicon]:
        if self._engines is None:
            with self._lock:
                if self._engines is None:
                    # Presidio logs the words around each finding at DEBUG level: the very values the
                    # gate exists to keep out of logs (policy rule 2). Its loggers stay at WARNING.
                    for name in ("presidio-analyzer", "presidio-anonymizer"):
                        logging.getLogger(name).setLevel(logging.WARNING)
                    with _without_unused_heavy_modules():
                        from .engine import build_analyzer, build_anonymizer

                        lexicon = Lexicon.load(self.dictionary)
                        analyzer = build_analyzer(lexicon)
                        # Some recognizers load data on their first match (tldextract's suffix list for
                        # e-mail addresses): one run over every kind of value now, not in a user's question.
                        analyzer.analyze(text=_WARM_UP_TEXT, language="de")
                        self._engines = (analyzer, build_anonymizer(), lexicon)
        return self._engines


@contextmanager
def _without_unused_heavy_modules() -> Iterator[None]:
    """Let Presidio's optional transformers import fail while the gate is built, if nothing loaded it yet.

    Presidio only asks for transformers to offer an NLP engine the gate does not use; spaCy's thinc asks
    for torch the same way. Marking them absent for the import saves ~3 s of warm-up; the entries are
    removed afterwards, so the embedder can still import them later.
    """
    blocked = [name for name in _UNUSED_HEAVY_MODULES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def _with_bracket(text: str, entity: DetectedEntity) -> DetectedEntity:
    """ "(0231) 12 34 56": a phone number's opening bracket belongs to it."""
    opened = entity.start > 0 and text[entity.start - 1] == "(" and ")" in text[entity.start : entity.end]
    if entity.type == "PHONE_NUMBER" and opened:
        return DetectedEntity(entity.type, entity.start - 1, entity.end, entity.score)
    return entity


def without_overlaps(entities: list[DetectedEntity]) -> list[DetectedEntity]:
    """Keep the most confident of overlapping spans (longer wins a tie), so each character has one type."""
    kept: list[DetectedEntity] = []
    for entity in sorted(entities, key=lambda e: (-e.score, -(e.end - e.start), e.start)):
        if all(entity.end <= other.start or entity.start >= other.end for other in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)


def _redact(anonymizer: AnonymizerEngine, text: str, entities: tuple[DetectedEntity, ...]) -> str:
    if not entities:
        return text
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    operators = {t: OperatorConfig("replace", {"new_value": PLACEHOLDERS[t]}) for t in ENTITY_TYPES}
    spans = [RecognizerResult(entity_type=e.type, start=e.start, end=e.end, score=e.score) for e in entities]
    return anonymizer.anonymize(text=text, analyzer_results=spans, operators=operators).text
