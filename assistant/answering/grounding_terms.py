"""What the grounding check compares, read from a text once: stems (compounds split), numbers, quantities
("drei Monate", "21. Lebensjahr"), laws named, and clauses with their polarity ("nicht", "kein" …).

Polarity is compared clause by clause: a statement clause is aligned with the clause of the passage
that repeats most of its content, within the passage sentence that repeats most of the statement.
A "wer"/"wenn" clause after a negated main clause ("Einer Erlaubnis bedarf nicht, wer …, 3. als
Verwandter …"; "Keine Erlaubnis ist nötig, wenn …") carries that negation, and "ohne X" must stand
in the passage as "ohne X".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.sentences import split_sentences
from knowledge.text.german import STOPWORDS, compound_parts, stems

NEGATIONS = frozenset(
    {"nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "nichts"}
    | {"weder", "nein"}
)
WITHOUT = "ohne"
_NUMBER_WORDS = {
    "null": 0, "ein": 1, "eins": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17,
    "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "einundzwanzig": 21, "fünfundzwanzig": 25,
    "siebenundzwanzig": 27, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "hundert": 100,
}  # fmt: skip
# Articles count as "1" only before a unit ("binnen einer Woche"), never as numbers on their own.
_ARTICLES = frozenset({"ein", "eine", "einer", "einem", "einen"})
_ORDINALS = {"erst": 1, "zweit": 2, "dritt": 3, "siebt": 7, "acht": 8}
# Units of deadlines, ages and amounts: "drei Monate" must be "drei Monate" in the passage too.
UNITS = frozenset(
    stems(
        [
            *("tag", "werktag", "woche", "monat", "lebensmonat", "jahr", "lebensjahr", "kalenderjahr"),
            *("stunde", "uhr", "prozent", "euro", "halbjahr", "minute"),
        ]
    )
)
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*[a-z]?\.?|[^\W\d_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*[a-z]?")
_CLAUSE = re.compile(r"[,;:()\n–]|\s-\s|(?<!\d)\.|\b(?:aber|sondern|jedoch)\b")
# A clause that depends on the one before: after a negated main clause it is negated too.
_RELATIVE = re.compile(r"\s*(die|der|das|dem|den|deren|dessen|denen|welche[rsmn]?)\b", re.IGNORECASE)
_SUBORDINATE = re.compile(r"\s*(wer|wenn|falls|sofern)\b", re.IGNORECASE)
_LAWS = re.compile(
    r"\b(SGB\s*(?:[IVX]+|\d+)|BGB|KKG|JuSchG|UVG|BEEG|KiQuTG|JArbSchG|FamFG|JGG|GG|DSGVO|AufenthG|AsylG)\b"
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


@dataclass(frozen=True)
class Clause:
    content: frozenset[str]  # stems with compound parts, negations left out
    negated: bool  # an odd number of negations, or inherited from a negated main clause
    without: frozenset[str]  # stems of the words right after "ohne"


@dataclass(frozen=True)
class AnalysedText:
    stems: frozenset[str]
    numbers: frozenset[str]
    quantities: frozenset[tuple[str, str]]  # (value, unit stem)
    laws: frozenset[str]
    sentences: tuple[tuple[Clause, ...], ...]

    @property
    def clauses(self) -> list[Clause]:
        return [clause for sentence in self.sentences for clause in sentence]


def analyse(text: str, vocabulary: frozenset[str]) -> AnalysedText:
    tokens = terms(text)
    # Lines are joined: a list item on its own line ("1. zum Zwecke …") continues its sentence.
    sentences = tuple(
        _clauses(sentence, vocabulary) for sentence in split_sentences(" ".join(text.split())) if sentence
    )
    return AnalysedText(
        frozenset(stems_with_parts([t for t in tokens if not _is_number(t)], vocabulary)),
        _numbers(tokens),
        _quantities(tokens),
        _laws(text),
        sentences,
    )


def terms(text: str) -> list[str]:
    """Lower-cased words and numbers without stop words, but with the negations stop word lists drop."""
    tokens = [t.rstrip(".") if t[0].isdigit() else t for t in _WORD.findall(text.lower())]
    kept = [t for t in tokens if t in NEGATIONS or t == WITHOUT or _keep(t)]
    # An article is a number only before a unit ("binnen einer Woche"); otherwise it is no word at all.
    return [
        t
        for n, t in enumerate(kept)
        if t not in _ARTICLES or (n + 1 < len(kept) and _is_unit_word(kept[n + 1]))
    ]


def _is_unit_word(token: str) -> bool:
    return stems([token])[0] in UNITS


def _keep(token: str) -> bool:
    if token[0].isdigit() or token in _NUMBER_WORDS:
        return True
    return token not in STOPWORDS and len(token) > 1


def stems_with_parts(tokens: list[str], vocabulary: frozenset[str]) -> list[str]:
    expanded = []
    for token in tokens:
        if token in NEGATIONS or token == WITHOUT:
            continue
        expanded.append(token)
        parts = compound_parts(token, vocabulary)
        if len(parts) > 1:
            expanded.extend(parts)
    return stems(expanded)


def number_value(token: str) -> str | None:
    """ "6", "sechs", "sechsten" → "6"; "1.400" → "1400"; anything else → None."""
    if _DIGITS.fullmatch(token):
        return token.replace(".", "").replace(",", ".")
    if token in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[token])
    match = re.fullmatch(r"(.+?)(?:s?te[nrms]?)", token)  # "zwölften", "achtzehnte", "einundzwanzigsten"
    if match:
        head = match.group(1)
        if head in _NUMBER_WORDS and _NUMBER_WORDS[head] >= 4:
            return str(_NUMBER_WORDS[head])
        if head in _ORDINALS:
            return str(_ORDINALS[head])
    return None


def _is_number(token: str) -> bool:
    return token not in _ARTICLES and number_value(token) is not None


def _numbers(tokens: list[str]) -> frozenset[str]:
    return frozenset(v for t in tokens if _is_number(t) and (v := number_value(t)) is not None)


def _quantities(tokens: list[str]) -> frozenset[tuple[str, str]]:
    """A number followed by a unit within two words: "sechs Monate", "des 21. Lebensjahres"."""
    found = set()
    unit_stems = stems(tokens)
    for n, token in enumerate(tokens):
        value = number_value(token)
        if value is None:
            continue
        for k in (1, 2):
            if n + k < len(tokens) and unit_stems[n + k] in UNITS:
                found.add((value, unit_stems[n + k]))
                break
    return frozenset(found)


def _laws(text: str) -> frozenset[str]:
    names = set()
    for name in _LAWS.findall(text):
        compact = name.replace(" ", "")
        roman = compact.removeprefix("SGB")
        if compact.startswith("SGB") and roman in _ROMAN:
            compact = f"SGB{_ROMAN[roman]}"
        names.add(compact)
    return frozenset(names)


def _clauses(sentence: str, vocabulary: frozenset[str]) -> tuple[Clause, ...]:
    """The sentence's clauses. A clause of fewer than two content words joins the next one ("so sollen
    nicht Einrichtungen, Dienste …"), unless that is a relative clause: "dass diese keine Person, die …
    verurteilt worden ist, beschäftigen" does not negate the relative clause."""
    clauses: list[Clause] = []
    negations, content, without = 0, frozenset[str](), frozenset[str]()
    inherited = False
    for raw in _CLAUSE.split(sentence):
        tokens = terms(raw)
        if not tokens:
            continue
        if content and _RELATIVE.match(raw):
            clauses.append(Clause(content, negations % 2 == 1 or inherited, without))
            negations, content, without = 0, frozenset(), frozenset()
        if clauses and not inherited and _SUBORDINATE.match(raw) and clauses[-1].negated:
            inherited = True  # "Einer Erlaubnis bedarf nicht, wer …": the rest of the sentence is negated
        negations += sum(1 for t in tokens if t in NEGATIONS)
        content |= frozenset(stems_with_parts(tokens, vocabulary))
        without |= _without(tokens)
        if len(content) >= 2:
            clauses.append(Clause(content, negations % 2 == 1 or inherited, without))
            negations, content, without = 0, frozenset(), frozenset()
    if content:
        clauses.append(Clause(content, negations % 2 == 1 or inherited, without))
    return tuple(clauses)


def _without(tokens: list[str]) -> frozenset[str]:
    return frozenset(
        stems([tokens[n + 1]])[0]
        for n, t in enumerate(tokens[:-1])
        if t == WITHOUT and tokens[n + 1] != WITHOUT
    )


def polarity_mismatches(claim: AnalysedText, source: AnalysedText) -> list[str]:
    """Statement clauses whose counterpart in the passage is negated differently, and "ohne X" the
    passage does not say. The counterpart repeats most of the clause; among equals, the one in the
    passage sentence that repeats most of the whole statement."""
    mismatches = []
    statement_content = _content(claim.clauses)
    placed = [
        (clause, len(statement_content & _content(sentence)))
        for sentence in source.sentences
        for clause in sentence
    ]
    for clause in claim.clauses:
        if len(clause.content) < 2:
            continue
        scored = [((len(clause.content & c.content), near), c) for c, near in placed]
        best = max((score for score, _ in scored), default=(0, 0))
        if best[0] < 2 or best[0] < 0.5 * len(clause.content):
            continue  # the passage repeats no clause of it: the support score judges it
        if not any(score == best and c.negated == clause.negated for score, c in scored):
            mismatches.append(" ".join(sorted(clause.content)))
    said_without = frozenset().union(*(c.without for c in source.clauses))
    for clause in claim.clauses:
        mismatches += [f"ohne {w}" for w in sorted(clause.without - said_without)]
    return mismatches


def _content(clauses: Sequence[Clause]) -> frozenset[str]:
    return frozenset().union(*(c.content for c in clauses))
