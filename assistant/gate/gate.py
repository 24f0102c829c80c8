"""The case-data gate (policy rule 1): find personal data in a question before anything else sees it."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import regex

from .model import ENTITY_TYPES, PLACEHOLDERS, DetectedEntity, GateResult

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

# An age counts when it stands this close to a name, in the same sentence ("Kevin Schulz, 9 Jahre",
# "die 9-jährige Lea", "Frau Yilmaz hat einen Sohn, 9 Jahre alt").
AGE_NEAR_PERSON_CHARS = 40
_SENTENCE_BREAK = regex.compile(r"[.!?]\s+\p{Lu}|\n")


class CaseDataGate:
    """Detects and redacts client case data in a staff question, offline.

    >>> gate = CaseDataGate()
    >>> result = gate.check("Frau Yilmaz, Tel. 0231 1234567: darf ich das Jugendamt informieren?")
    >>> result.entity_types, result.redacted
    (['PERSON', 'PHONE_NUMBER'], 'Frau [PERSON], Tel. [TELEFON]: darf ich das Jugendamt informieren?')
    """

    def __init__(self, score_threshold: float = 0.4) -> None:
        self.score_threshold = score_threshold
        # Presidio and spaCy take about a second to set up; the gate builds them on first use so that
        # importing or constructing it stays cheap, and the lock keeps concurrent first calls to one build.
        self._engines: tuple[AnalyzerEngine, AnonymizerEngine] | None = None
        self._lock = threading.Lock()

    def check(self, text: str) -> GateResult:
        """Return every personal-data span in `text` and the text with those spans replaced."""
        if not text.strip():
            return GateResult(entities=(), redacted=text)
        analyzer, anonymizer = self._load()
        results = analyzer.analyze(text=text, language="de", score_threshold=self.score_threshold)
        candidates = [
            DetectedEntity(type=r.entity_type, start=r.start, end=r.end, score=round(float(r.score), 3))
            for r in results
            if r.entity_type in ENTITY_TYPES
        ]
        entities = keep_ages_next_to_people(without_overlaps(candidates), text)
        return GateResult(entities=entities, redacted=_redact(anonymizer, text, entities))

    def _load(self) -> tuple[AnalyzerEngine, AnonymizerEngine]:
        if self._engines is None:
            with self._lock:
                if self._engines is None:
                    from .engine import build_analyzer, build_anonymizer

                    # Presidio logs the words around each finding at DEBUG level: the very values the
                    # gate exists to keep out of logs (policy rule 2). Its loggers stay at WARNING.
                    for name in ("presidio-analyzer", "presidio-anonymizer"):
                        logging.getLogger(name).setLevel(logging.WARNING)
                    self._engines = (build_analyzer(), build_anonymizer())
        return self._engines


def without_overlaps(entities: list[DetectedEntity]) -> list[DetectedEntity]:
    """Keep the most confident of overlapping spans (longer wins a tie), so each character has one type."""
    kept: list[DetectedEntity] = []
    for entity in sorted(entities, key=lambda e: (-e.score, -(e.end - e.start), e.start)):
        if all(entity.end <= other.start or entity.start >= other.end for other in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)


def keep_ages_next_to_people(entities: list[DetectedEntity], text: str) -> tuple[DetectedEntity, ...]:
    """Drop ages that stand alone: "ein 9-jähriges Kind" identifies nobody, "Lea, 9 Jahre" does."""
    people = [e for e in entities if e.type == "PERSON"]

    def near_person(age: DetectedEntity) -> bool:
        for person in people:
            gap = text[person.end : age.start] if person.end <= age.start else text[age.end : person.start]
            if len(gap) <= AGE_NEAR_PERSON_CHARS and not _SENTENCE_BREAK.search(gap):
                return True
        return False

    return tuple(e for e in entities if e.type != "AGE" or near_person(e))


def _redact(anonymizer: AnonymizerEngine, text: str, entities: tuple[DetectedEntity, ...]) -> str:
    if not entities:
        return text
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    operators = {t: OperatorConfig("replace", {"new_value": PLACEHOLDERS[t]}) for t in ENTITY_TYPES}
    spans = [RecognizerResult(entity_type=e.type, start=e.start, end=e.end, score=e.score) for e in entities]
    return anonymizer.anonymize(text=text, analyzer_results=spans, operators=operators).text
