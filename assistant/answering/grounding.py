"""Does the cited passage say what the statement says? A content check, not a format check.

A statement of the language model is shown as sourced only when its cited passages support it:

- **support**: the share of its content words (stemmed, compounds split), numbers, negations and legal
  terms that occur in the passages, weighted (numbers and legal terms count double), at or above a
  threshold calibrated on the dev split of `evals/datasets/grounding.jsonl`;
- **exact facts**: every number (digits or words: "drei Monate", "zwölften Lebensjahr"), every § and
  law named, every deadline or age unit ("Woche", "Lebensjahr") and every absolute term ("jederzeit",
  "dauerhaft", "ausnahmslos") must occur in the passages;
- **polarity**: a statement clause and the passage clause it repeats are negated alike ("nicht",
  "kein", "ohne", "nie"), and "zulässig" is not "unzulässig";
- **nothing injected**: links, e-mail addresses, credentials and instructions to the reader
  ("Ignoriere …", "Senden Sie Ihre Zugangsdaten …") that the passage does not contain are never shown.

Unsupported statements are dropped, not shown as "nicht belegt": a professional acts on what is shown,
and an unverified claim next to verified ones reads as verified.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from knowledge.text.german import STOPWORDS, compound_parts, stems, words
from knowledge.text.injection import looks_like_injection

_SOURCE_CACHE = 64
THRESHOLD = 0.7  # calibrated on the dev split: `python -m evals grounding`
DICTIONARY = Path("/usr/share/dict/ngerman")  # Debian's wngerman: general German words for compounds

NEGATIONS = frozenset(
    {"nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "ohne", "nie", "niemals", "nichts"}
    | {"weder", "nein"}
)
_NUMBER_WORDS = {
    "null": 0, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
    "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
    "einundzwanzig": 21, "fünfundzwanzig": 25, "siebenundzwanzig": 27, "dreißig": 30, "vierzig": 40,
    "fünfzig": 50, "sechzig": 60, "hundert": 100,
}  # fmt: skip
_ORDINALS = {"erst": 1, "zweit": 2, "dritt": 3, "siebt": 7, "acht": 8}
# Deadlines and ages: a unit named in the statement must stand in the passage.
_TIME_UNITS = ("tag", "werktag", "woche", "monat", "jahr", "lebensjahr", "stunde", "frist", "halbjahr")
_ABSOLUTES = frozenset(
    {"jederzeit", "sofort", "sofortig", "umgehend", "unverzüglich", "spätestens", "frühestens", "binnen"}
    | {"dauerhaft", "dauerhafte", "endgültig", "endgültige", "unbefristet", "befristet", "vorübergehend"}
    | {"ausnahmslos", "stets", "immer", "niemals", "ausschließlich", "automatisch", "zwingend"}
    | {"uneingeschränkt", "unbegrenzt", "grundlos", "beliebig"}
)
# Terms with legal weight: who decides, what is owed, what is allowed (count double in the support).
_LEGAL_TERMS = (
    "gericht", "familiengericht", "jugendamt", "anspruch", "pflicht", "verpflicht", "erlaubnis", "zustimm",
    "einwillig", "befug", "berecht", "zulässig", "unzulässig", "inobhutnahm", "sorg", "frist", "antrag",
    "kost", "beitrag", "leistung", "hilf", "gefährd", "schutz", "daten", "übermittl", "einwillig",
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
_LAWS = re.compile(
    r"\b(SGB\s*(?:[IVX]+|\d+)|BGB|KKG|JuSchG|UVG|BEEG|KiQuTG|JArbSchG|FamFG|JGG|GG|DSGVO|AufenthG|AsylG)\b"
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_WORD = re.compile(r"[0-9]+[a-z]?\b|[^\W\d_]+", re.UNICODE)  # as knowledge.text.german
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*[a-z]?\b")
_CLAUSE = re.compile(r"[,;:.!?()\n–]|\s-\s|\b(?:aber|sondern|jedoch)\b")
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


@dataclass
class _Text:
    """A text analysed once: stems (with compound parts), numbers, laws, clauses."""

    raw: str
    stems: frozenset[str]
    numbers: frozenset[str]
    laws: frozenset[str]
    clauses: list[tuple[frozenset[str], bool]] = field(default_factory=list)


class GroundingCheck:
    """>>> GroundingCheck().check("Die Frist beträgt drei Monate.", ["… binnen sechs Monaten …"]).shown
    False
    """

    def __init__(self, threshold: float = THRESHOLD, dictionary: Path | None = DICTIONARY) -> None:
        self.threshold = threshold
        self._dictionary = _dictionary_words(dictionary) if dictionary else frozenset()
        self._sources: dict[str, _Text] = {}

    def check(self, statement: str, passages: Sequence[str]) -> Support:
        """How far `passages` support `statement` (markers already removed), and whether to show it."""
        statement = _LEAD_IN.sub("", statement.strip())
        joined = "\n".join(passages)
        vocabulary = _Vocabulary(words(joined) + words(statement), self._dictionary)
        claim, source = _analyse(statement, vocabulary), self._source(joined)

        injected = _injected(statement, joined)
        if injected:
            return Support(0.0, False, injected, injected=True)
        found, total, missing = _weighted_support(statement, claim, source, vocabulary)
        score = found / total if total else 0.0
        for reason, lacking in _hard_failures(statement, claim, source, vocabulary):
            return Support(score, False, reason, missing=tuple(lacking))
        if not total or score < self.threshold:
            return Support(score, False, "gering", missing=tuple(missing))
        return Support(score, True, missing=tuple(missing))

    def _source(self, passage: str) -> _Text:
        """Passages are checked once per statement that cites them: analysed once."""
        analysed = self._sources.get(passage)
        if analysed is None:
            if len(self._sources) >= _SOURCE_CACHE:
                self._sources.pop(next(iter(self._sources)))
            analysed = self._sources[passage] = _analyse(
                passage, _Vocabulary(words(passage), self._dictionary)
            )
        return analysed


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
    statement: str, claim: _Text, source: _Text, vocabulary: frozenset[str]
) -> tuple[float, float, list[str]]:
    found = total = 0.0
    missing: list[str] = []
    source_negated = any(negated for _, negated in source.clauses)
    for word in _terms(statement):
        if word in NEGATIONS:
            total += 1
            found += source_negated
            continue
        if _number_of(word) is not None or _DIGITS.fullmatch(word):
            continue  # numbers are counted below, from the raw text (words() drops "1.400")
        weight = 2.0 if _is_legal(word) else 1.0
        total += weight
        if _word_found(word, source.stems, vocabulary):
            found += weight
        else:
            missing.append(word)
    for number in claim.numbers:
        total += 2
        if number in source.numbers:
            found += 2
        else:
            missing.append(number)
    return found, total, missing


def _hard_failures(
    statement: str, claim: _Text, source: _Text, vocabulary: frozenset[str]
) -> list[tuple[str, list[str]]]:
    failures: list[tuple[str, list[str]]] = []
    numbers = sorted(claim.numbers - source.numbers)
    if numbers:
        failures.append(("zahl", numbers))
    laws = sorted(claim.laws - source.laws)
    if laws:
        failures.append(("gesetz", laws))
    statement_words = _terms(statement)
    units = [w for w in statement_words if _is_time_unit(w) and not _word_found(w, source.stems, vocabulary)]
    if units:
        failures.append(("frist", units))
    absolutes = [w for w in statement_words if w in _ABSOLUTES and _stem(w) not in source.stems]
    if absolutes:
        failures.append(("absolut", absolutes))
    flipped = [w for w in statement_words if _polarity_flipped(w, source.stems)]
    mismatch = _negation_mismatch(claim, source)
    if flipped or mismatch:
        failures.append(("verneinung", flipped + mismatch))
    return failures


def _negation_mismatch(claim: _Text, source: _Text) -> list[str]:
    """Clauses of the statement whose best-matching passage clause is negated differently."""
    mismatches = []
    for content, negated in claim.clauses:
        if len(content) < 2:
            continue
        overlaps = [(len(content & other), other_negated) for other, other_negated in source.clauses]
        best = max((overlap for overlap, _ in overlaps), default=0)
        if best < 2 or best < 0.5 * len(content):
            continue  # the passage repeats no clause of it: the support score judges it
        if not any(overlap == best and other == negated for overlap, other in overlaps):
            mismatches.append(" ".join(sorted(content)))
    return mismatches


def _analyse(text: str, vocabulary: frozenset[str]) -> _Text:
    clauses = []
    for clause in _CLAUSE.split(text):
        tokens = _terms(clause)
        negated = any(t in NEGATIONS for t in tokens)
        content = frozenset(_stems_with_parts([t for t in tokens if t not in NEGATIONS], vocabulary))
        if content:
            clauses.append((content, negated))
    all_stems = frozenset(_stems_with_parts(words(text), vocabulary))
    return _Text(text, all_stems, _numbers(text), _laws(text), clauses)


def _terms(text: str) -> list[str]:
    """Lower-cased words without stop words, but with the negations the stop word list drops."""
    tokens = _WORD.findall(text.lower())
    return [t for t in tokens if t in NEGATIONS or (t not in STOPWORDS and (len(t) > 1 or t.isdigit()))]


def _stems_with_parts(tokens: list[str], vocabulary: frozenset[str]) -> list[str]:
    expanded = []
    for token in tokens:
        expanded.append(token)
        parts = compound_parts(token, vocabulary)
        if len(parts) > 1:
            expanded.extend(parts)
    return stems(expanded)


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


def _numbers(text: str) -> frozenset[str]:
    found = {m.group(0).rstrip(".").replace(".", "") for m in _DIGITS.finditer(text)}
    found = {n.replace(",", ".") for n in found}
    for token in re.findall(r"[^\W\d_]+", text.lower()):
        value = _number_of(token)
        if value is not None:
            found.add(str(value))
    return frozenset(found)


def _number_of(token: str) -> int | None:
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    # Ordinals: "zwölften Lebensjahr", "achtzehnte", "einundzwanzigsten"
    match = re.fullmatch(r"(.+?)(?:s?te[nrms]?)", token)
    if match:
        head = match.group(1)
        if head in _NUMBER_WORDS and _NUMBER_WORDS[head] >= 4:
            return _NUMBER_WORDS[head]
        if head in _ORDINALS:
            return _ORDINALS[head]
    return None


def _laws(text: str) -> frozenset[str]:
    names = set()
    for name in _LAWS.findall(text):
        compact = name.replace(" ", "")
        roman = compact.removeprefix("SGB")
        if compact.startswith("SGB") and roman in _ROMAN:
            compact = f"SGB{_ROMAN[roman]}"
        names.add(compact)
    return frozenset(names)


def _is_time_unit(word: str) -> bool:
    return any(_stem(word) == _stem(unit) or word.startswith(unit) for unit in _TIME_UNITS) and len(word) < 14


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
