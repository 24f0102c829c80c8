"""Prose as a passage: the one or two whole sentences of a chunk that answer best and can stand alone;
a sentence that opens with a pronoun ("Dieses kann …") only together with the sentence before it.
A contact line ("Pressekontakt: … | Fon 02303 …", "Friedrich-Ebert-Straße 17 | 59425 Unna") is
document furniture, not a statement, except when the question asks for exactly that detail."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.entities import AskedEntities, contact_excerpt, missing_kinds
from assistant.answering.passage import Passage, relevance
from assistant.answering.screening import without_instructions
from assistant.answering.sentences import split_sentences
from assistant.answering.statements import is_statement, opens_with_pronoun
from assistant.answering.terms import QuestionTerms, text_tokens
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit

MAX_SENTENCES = 2
_HOLDS_ENTITY = 0.5  # a sentence that holds the asked-for number, date or place


@dataclass(frozen=True)
class _Unit:
    position: int  # of its last sentence in the chunk
    sentences: tuple[str, ...]  # one sentence, or a pronoun sentence with the one it points back at
    tokens: frozenset[str]
    score: float


def prose_passage(
    index: KnowledgeIndex, terms: QuestionTerms, asked: AskedEntities, hit: Hit, standing: float
) -> Passage | None:
    """The best one or two sentences of a prose chunk that can stand alone, in text order."""
    context = text_tokens(index, f"{hit.document.title} {hit.chunk.section or ''}")
    screened, skipped = without_instructions(hit.chunk.text)
    units = _units(index, terms, asked, hit, sentences=split_sentences(screened), context=context)
    if not units:
        return None
    units.sort(key=lambda u: u.score, reverse=True)
    chosen = [units[0]]
    covered = set(units[0].tokens)
    for unit in units[1:]:
        if len(chosen) >= MAX_SENTENCES:
            break
        gain = terms.coverage(covered | unit.tokens) - terms.coverage(covered)
        if unit.score >= 0.6 * chosen[0].score and gain > 0.05:
            chosen.append(unit)
            covered |= unit.tokens
    coverage = terms.coverage(frozenset(covered), context)
    return Passage(
        hit,
        relevance(standing, coverage),
        standing,
        coverage,
        sentences=_statements(sorted(chosen, key=lambda u: u.position)),
        tokens=frozenset(covered) | context,
        skipped=skipped,
    )


def _units(
    index: KnowledgeIndex,
    terms: QuestionTerms,
    asked: AskedEntities,
    hit: Hit,
    *,
    sentences: list[str],
    context: frozenset[str],
) -> list[_Unit]:
    # What the document itself holds (the place in its region or title) no sentence needs to repeat.
    document_context = f"{hit.document.title} {hit.document.region or ''}"
    wanted = missing_kinds(asked, document_context)
    units = []
    for i, sentence in enumerate(sentences):
        unit: tuple[str, ...] = (sentence,)
        if not is_statement(sentence):
            # Only the asked contact detail itself, not the notes and credits around it.
            excerpt = contact_excerpt(asked, sentence) if asked.contact else None
            if excerpt is None:
                continue
            unit = (excerpt,)
        elif opens_with_pronoun(sentence):
            if i == 0 or not is_statement(sentences[i - 1]) or opens_with_pronoun(sentences[i - 1]):
                continue  # what "Dieses" points at is not in this passage
            unit = (sentences[i - 1], sentence)
        tokens = text_tokens(index, " ".join(unit))
        # A sentence that holds what was asked for (the number, the date, the place) answers better.
        missing = missing_kinds(asked, " ".join((document_context, *unit))) if wanted else []
        holds = len(wanted) - len(missing)
        units.append(_Unit(i, unit, tokens, terms.coverage(tokens, context) + _HOLDS_ENTITY * holds))
    return units


def _statements(units: list[_Unit]) -> tuple[str, ...]:
    """The units as shown statements: a pronoun sentence stays with the sentence it points back at."""
    items: list[list[str]] = []
    for unit in units:
        if items and unit.sentences[0] == items[-1][-1]:
            items[-1].extend(unit.sentences[1:])
        elif not items or unit.sentences[-1] not in items[-1]:
            items.append(list(unit.sentences))
    return tuple(" ".join(item) for item in items)
