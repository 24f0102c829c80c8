"""Built-in answering without a language model: the sentences of the top passages that answer the
question best, quoted with their citation markers under a one-sentence "Kurz gesagt" line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.citations import absatz_of, make_citation
from assistant.answering.sentences import split_sentences
from assistant.models import Citation
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit
from knowledge.text.injection import looks_like_injection

MAX_STATEMENTS = 4
_MIN_SENTENCE = 25
_MAX_QUOTE = 520
_DIVERSITY = 0.3  # MMR trade-off: 0 = relevance only, 1 = novelty only
_LEADING_NUMBER = re.compile(r"^(\(\d+[a-z]?\)|\d+\.|[a-z]\))\s+")


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    sentence: str
    tokens: frozenset[str]
    relevance: float


@dataclass(frozen=True)
class ExtractedAnswer:
    text: str
    citations: list[Citation]
    statements: list[tuple[str, int]]  # (statement, citation number), for streaming
    skipped_injections: int


def extract_answer(index: KnowledgeIndex, question: str, hits: list[Hit]) -> ExtractedAnswer | None:
    """Compose an answer from `hits`, or None when no sentence relates to the question."""
    query_tokens = list(dict.fromkeys(index.lexical.query_tokens(question)))
    weights = index.lexical.idf(query_tokens)
    total = sum(weights.values()) or 1.0
    usable = [h for h in hits[:5] if h.score >= 0.45 * hits[0].score] if hits else []

    candidates: list[_Candidate] = []
    skipped = 0
    for rank, hit in enumerate(usable, start=1):
        # A sentence stands under its § heading: "Die Erlaubnis ist zu erteilen, wenn …" in "§ 45 Erlaubnis
        # für den Betrieb einer Einrichtung" is about the Betriebserlaubnis even if it does not say so.
        heading = frozenset(index.lexical.query_tokens(hit.chunk.section or ""))
        text, dropped = without_instructions(hit.chunk.text)
        skipped += dropped
        for sentence in split_sentences(text):
            if len(sentence) < _MIN_SENTENCE:
                continue
            tokens = frozenset(index.lexical.query_tokens(sentence))
            context = tokens | heading
            overlap = sum(w if t in tokens else 0.5 * w for t, w in weights.items() if t in context) / total
            # Retrieval already weighed the whole passage; a sentence inherits part of that judgement.
            standing = (hit.score / hits[0].score) ** 2
            # Long enumerations make poor statements: they mention many things in passing.
            length_penalty = min(0.4, 0.25 * max(0, len(sentence) - 350) / 350)
            relevance = overlap * standing + 0.15 / rank - length_penalty
            candidates.append(_Candidate(hit, sentence, tokens, relevance))
    if not candidates:
        return None

    chosen = _select(candidates)
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    statements: list[tuple[str, int]] = []
    locations: list[str] = []
    for candidate in chosen:
        chunk_id = candidate.hit.chunk.id
        number = numbers.setdefault(chunk_id, len(numbers) + 1)
        quotes.setdefault(chunk_id, []).append(candidate.sentence)
        statements.append((_clean(candidate.sentence), number))
        locations.append(_location(candidate.hit, candidate.sentence))
    hits_by_chunk = {c.hit.chunk.id: c.hit for c in chosen}
    citations = [
        make_citation(number, hits_by_chunk[chunk_id], " ".join(quotes[chunk_id]))
        for chunk_id, number in numbers.items()
    ]
    return ExtractedAnswer(_compose(statements, locations), citations, statements, skipped)


def without_instructions(text: str) -> tuple[str, int]:
    """The passage without any line that addresses an AI (documents are data, policy rule 6).

    Ingest screens new documents already; this also protects indexes built before screening existed.
    """
    lines = text.splitlines()
    kept = [line for line in lines if not looks_like_injection(line)]
    return "\n".join(kept), len(lines) - len(kept)


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Maximal marginal relevance: relevant sentences that do not repeat each other."""
    pool = sorted(candidates, key=lambda c: c.relevance, reverse=True)
    best = pool[0].relevance
    chosen = [pool.pop(0)]
    while pool and len(chosen) < MAX_STATEMENTS:

        def score(candidate: _Candidate) -> float:
            redundancy = max(_jaccard(candidate.tokens, c.tokens) for c in chosen)
            return (1 - _DIVERSITY) * candidate.relevance - _DIVERSITY * redundancy

        candidate = max(pool, key=score)
        pool.remove(candidate)
        if candidate.relevance < 0.45 * best or score(candidate) <= 0:
            break
        chosen.append(candidate)
    return chosen


def _jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    return len(left & right) / len(left | right) if left and right else 0.0


def _clean(sentence: str) -> str:
    text = _LEADING_NUMBER.sub("", sentence.strip())
    if len(text) > _MAX_QUOTE:
        text = text[:_MAX_QUOTE].rsplit(" ", 1)[0] + " …"
    return text


def _location(hit: Hit, sentence: str) -> str:
    """ "§ 8a Abs. 1 SGB VIII" for a sentence of a legal text; empty for prose."""
    if not hit.chunk.paragraph:
        return ""
    absatz = absatz_of(hit.chunk.text, sentence, hit.chunk.absaetze)
    name = hit.document.law or hit.document.title
    return f"{hit.chunk.paragraph}{f' Abs. {absatz}' if absatz else ''} {name}"


def _compose(statements: list[tuple[str, int]], locations: list[str]) -> str:
    (lead, lead_number), lead_where = statements[0], locations[0]
    lines = [f"Kurz gesagt{f' ({lead_where})' if lead_where else ''}: {lead} [{lead_number}]"]
    if len(statements) > 1:
        lines += ["", "Aus den Quellen im Einzelnen:"]
        for (statement, number), where in zip(statements[1:], locations[1:], strict=True):
            lines.append(f"- {where}: {statement} [{number}]" if where else f"- {statement} [{number}]")
    return "\n".join(lines)
