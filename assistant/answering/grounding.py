"""Does the cited passage say what the statement says? A content check, not a format check.

A statement of the language model is shown as sourced only when its cited passages support it:

- **support**: the share of its content words (stemmed, compounds split), numbers, negations and legal
  terms that occur in the passages, weighted (numbers and legal terms count double), at or above a
  threshold calibrated on the dev split of `evals/datasets/grounding.jsonl`;
- **exact facts**: every number (digits or words), every quantity ("drei Monate", "zwölften
  Lebensjahr": number and unit together), every § and law named, every deadline or age unit and
  every absolute term ("jederzeit", "dauerhaft", "ausnahmslos") must occur in the passages;
- **polarity**: a statement clause and the passage clause it repeats are negated alike ("nicht",
  "kein", "nie"; "ohne X" only where the passage says "ohne X"), and "zulässig" is not "unzulässig";
- **nothing injected**: links, e-mail addresses, credentials and instructions to the reader
  ("Ignoriere …", "Senden Sie Ihre Zugangsdaten …") that the passage does not contain are never shown.

Unsupported statements are dropped, not shown as "nicht belegt": a professional acts on what is shown,
and an unverified claim next to verified ones reads as verified.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answering.grounding_terms import (
    NEGATIONS,
    UNITS,
    WITHOUT,
    AnalysedText,
    analyse,
    number_value,
    polarity_mismatches,
    terms,
)
from knowledge.text.german import compound_parts, stems, words
from knowledge.text.injection import looks_like_injection

THRESHOLD = 0.7  # calibrated on the dev split: `python -m evals.grounding_eval`
DICTIONARY = Path("/usr/share/dict/ngerman")  # Debian's wngerman: general German words for compounds
_SOURCE_CACHE = 64

_ABSOLUTES = frozenset(
    {"jederzeit", "sofort", "sofortig", "umgehend", "unverzüglich", "spätestens", "frühestens", "binnen"}
    | {"dauerhaft", "dauerhafte", "endgültig", "endgültige", "unbefristet", "befristet", "vorübergehend"}
    | {"ausnahmslos", "stets", "immer", "niemals", "ausschließlich", "automatisch", "zwingend"}
    | {"uneingeschränkt", "unbegrenzt", "grundlos", "beliebig"}
)
# Terms with legal weight: who decides, what is owed, what is allowed (count double in the support).
_LEGAL_TERMS = (
    "gericht", "jugendamt", "anspruch", "pflicht", "verpflicht", "erlaubnis", "zustimm", "einwillig",
    "befug", "berecht", "zulässig", "inobhutnahm", "sorge", "frist", "antrag", "kosten", "beitrag",
    "leistung", "hilfe", "gefährd", "schutz", "daten", "übermittl",
)  # fmt: skip
_CREDENTIALS = re.compile(
    r"\b(zugangsdaten|passw[oö]rt\w*|kennw[oö]rt\w*|pin|tan|login|anmeldedaten|benutzername\w*|"
    r"kontodaten|iban|kreditkarte\w*)\b",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"(https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\."
    r"(?:de|com|org|net|eu|info|io|example)\b(?:/\S*)?)",
    re.IGNORECASE,
)
# Formal address ("Senden Sie …", "… an Ihre Leitung"), the informal one, du-imperatives at the start.
_FORMAL_IMPERATIVE = re.compile(r"^(?:bitte\s+)?[A-ZÄÖÜa-zäöüß]+e?n\s+Sie\b")
_FORMAL_ADDRESS = re.compile(r"(?<!^)(?<![.!?:]\s)\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")
_INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*|euch|eure\w*)\b", re.IGNORECASE)
_DU_IMPERATIVE = re.compile(
    r"^(?:bitte\s+)?(ignoriere|vergiss|sende|schicke?|klicke?|öffne|besuche|melde|rufe?|gib|antworte|"
    r"schreibe?|überweise|lade|kopiere|nenne|teile|leite|beachte|folge|befolge|verwende|nutze)\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(r"^\s*(kurz gesagt|zusammengefasst|im ergebnis|ja)\s*[:,]\s*", re.IGNORECASE)


class _Vocabulary(frozenset[str]):
    """The words of the texts at hand, backed by the (large, shared) dictionary without copying it."""

    _dictionary: frozenset[str]

    def __new__(cls, local: list[str], dictionary: frozenset[str]) -> _Vocabulary:
        vocabulary = super().__new__(cls, local)
        vocabulary._dictionary = dictionary
        return vocabulary

    def __contains__(self, word: object) -> bool:
        return frozenset.__contains__(self, word) or word in self._dictionary


@dataclass(frozen=True)
class Support:
    score: float
    shown: bool
    reason: str | None = None  # why not shown: "link", "anweisung", "zahl", "frist", "absolut", …
    injected: bool = False  # a link, an address or an instruction: never shown, also counted apart
    missing: tuple[str, ...] = ()  # the statement's terms the passages lack (for the eval report)


class GroundingCheck:
    """>>> GroundingCheck().check("Die Frist beträgt drei Monate.", ["… binnen sechs Monaten …"]).shown
    False
    """

    def __init__(self, threshold: float = THRESHOLD, dictionary: Path | None = DICTIONARY) -> None:
        self.threshold = threshold
        self._dictionary = _dictionary_words(dictionary) if dictionary else frozenset()
        self._sources: dict[str, AnalysedText] = {}
        self._lock = threading.Lock()

    def check(self, statement: str, passages: Sequence[str]) -> Support:
        """How far `passages` support `statement` (markers already removed), and whether to show it."""
        statement = _LEAD_IN.sub("", statement.strip())
        joined = "\n".join(passages)
        injected = _injected(statement, joined)
        if injected:
            return Support(0.0, False, injected, injected=True)
        vocabulary = _Vocabulary(words(joined) + words(statement), self._dictionary)
        claim, source = analyse(statement, vocabulary), self._source(joined)
        found, total, missing = _weighted_support(statement, claim, source, vocabulary)
        score = found / total if total else 0.0
        for reason, lacking in _hard_failures(statement, claim, source, vocabulary):
            return Support(score, False, reason, missing=tuple(lacking))
        if not total or score < self.threshold:
            return Support(score, False, "gering", missing=tuple(missing))
        return Support(score, True, missing=tuple(missing))

    def _source(self, passage: str) -> AnalysedText:
        """Passages are checked once per statement that cites them: analysed once."""
        with self._lock:  # one check serves every web worker thread
            analysed = self._sources.get(passage)
        if analysed is None:
            analysed = analyse(passage, _Vocabulary(words(passage), self._dictionary))
            with self._lock:
                if len(self._sources) >= _SOURCE_CACHE:
                    self._sources.pop(next(iter(self._sources)))
                self._sources[passage] = analysed
        return analysed


def passage_text(text: str, *heads: str | None) -> str:
    """A passage with what stands above it (law, title, § heading): a statement may name the § or law."""
    head = " ".join(h for h in heads if h)
    return f"{head}\n{text}" if head else text


def _injected(statement: str, passage: str) -> str | None:
    lowered = passage.lower()
    for link in _LINK.findall(statement):
        if link.rstrip(".,;:)]").lower() not in lowered:
            return "link"
    credential = _CREDENTIALS.search(statement)
    if credential and credential.group(0).lower() not in lowered:
        return "anweisung"
    addressed = (
        looks_like_injection(statement)
        or _FORMAL_IMPERATIVE.search(statement)
        or _FORMAL_ADDRESS.search(statement)
        or _INFORMAL.search(statement)
        or _DU_IMPERATIVE.search(statement)
    )
    # An instruction is shown only where the passage itself addresses its reader the same way
    # (a press release: "Melden Sie sich bis … an"); the content check then decides.
    if addressed and not (_FORMAL_ADDRESS.search(passage) or _FORMAL_IMPERATIVE.search(passage)):
        return "anweisung"
    return None


def _weighted_support(
    statement: str, claim: AnalysedText, source: AnalysedText, vocabulary: frozenset[str]
) -> tuple[float, float, list[str]]:
    found = total = 0.0
    missing: list[str] = []
    source_negated = any(c.negated for c in source.clauses)
    source_without = any(c.without for c in source.clauses)
    for word in terms(statement):
        if word in NEGATIONS or word == WITHOUT:
            total += 1  # which clause they negate is checked apart (`polarity_mismatches`)
            found += source_without if word == WITHOUT else source_negated
            continue
        value = number_value(word)
        if value is not None and value in claim.numbers:
            total += 2
            found += 2 if value in source.numbers else 0
            if value not in source.numbers:
                missing.append(value)
            continue
        weight = 2.0 if _is_legal(word) else 1.0
        total += weight
        if _word_found(word, source.stems, vocabulary):
            found += weight
        else:
            missing.append(word)
    return found, total, missing


def _hard_failures(
    statement: str, claim: AnalysedText, source: AnalysedText, vocabulary: frozenset[str]
) -> list[tuple[str, list[str]]]:
    failures: list[tuple[str, list[str]]] = []
    numbers = sorted(claim.numbers - source.numbers)
    if numbers:
        failures.append(("zahl", numbers))
    quantities = sorted(f"{value} {unit}" for value, unit in claim.quantities - source.quantities)
    if quantities:
        failures.append(("frist", quantities))
    laws = sorted(claim.laws - source.laws)
    if laws:
        failures.append(("gesetz", laws))
    statement_words = terms(statement)
    units = [w for w in statement_words if _is_unit(w) and not _word_found(w, source.stems, vocabulary)]
    if units:
        failures.append(("frist", units))
    absolutes = [w for w in statement_words if w in _ABSOLUTES and _stem(w) not in source.stems]
    if absolutes:
        failures.append(("absolut", absolutes))
    flipped = [w for w in statement_words if _polarity_flipped(w, source.stems)]
    mismatch = polarity_mismatches(claim, source)
    if flipped or mismatch:
        failures.append(("verneinung", flipped + mismatch))
    return failures


def _word_found(word: str, source_stems: frozenset[str], vocabulary: frozenset[str]) -> bool:
    if _stem(word) in source_stems:
        return True
    parts = compound_parts(word, vocabulary)
    return len(parts) > 1 and all(s in source_stems for s in stems(parts))


def _polarity_flipped(word: str, source_stems: frozenset[str]) -> bool:
    """ "zulässig" against a passage that only says "unzulässig", and the other way round."""
    if len(word) < 6 or _stem(word) in source_stems:
        return False
    if word.startswith("un"):
        return _stem(word[2:]) in source_stems
    return _stem("un" + word) in source_stems


def _is_unit(word: str) -> bool:
    """Deadline and age words ("Woche", "monatlich", "Lebensjahr"): they must stand in the passage."""
    return len(word) < 14 and any(_stem(word).startswith(unit) for unit in UNITS if len(unit) >= 3)


def _is_legal(word: str) -> bool:
    return any(term in word for term in _LEGAL_TERMS)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return stems([word])[0]


@lru_cache(maxsize=2)
def _dictionary_words(path: Path) -> frozenset[str]:
    """Lower-cased words of the German word list (4+ letters) for compound splitting; empty if absent."""
    try:
        lines = path.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(w.lower() for w in lines if len(w) >= 4 and w.isalpha())
