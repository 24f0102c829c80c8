"""Built-in answering without a language model: the governing passages, quoted whole, with their
citation markers; a "Kurz gesagt" line first only when one statement answers the question on its own.

    Kurz gesagt (§ 1 Abs. 1a UVG): Über Absatz 1 Nummer 1 hinaus besteht Anspruch … [1]

    Maßgeblich sind:

    § 1 UVG – Berechtigte, Abs. 1 und 1a [1]
    > (1) Anspruch auf Unterhaltsvorschuss … hat, wer
    > 1. das zwölfte Lebensjahr noch nicht vollendet hat,
    …

Plain text with a Markdown-safe structure: one line per item, Absätze as quoted lines, prose
extracts as "- " items.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.citations import absatz_list, passage_citation
from assistant.answering.evidence import assess, shown_for_evidence
from assistant.answering.legal_text import display_lines
from assistant.answering.passages import Passage, select_passages
from assistant.answering.screening import without_instructions
from assistant.answering.short_answer import Lead, best_statement
from assistant.answering.statements import clean
from assistant.answering.terms import QuestionTerms
from assistant.models import Citation
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit

__all__ = ["ExtractedAnswer", "extract_answer", "without_instructions"]

GOVERNING = "Maßgeblich sind:"


@dataclass(frozen=True)
class ExtractedAnswer:
    text: str
    citations: list[Citation]
    passages: list[Passage]
    lead: Lead | None  # the "Kurz gesagt" statement, when one answers the question with confidence
    skipped_injections: int


def extract_answer(
    index: KnowledgeIndex,
    question: str,
    hits: list[Hit],
    passages: list[Passage] | None = None,
    *,
    whole: bool = False,
) -> ExtractedAnswer | None:
    """Compose an answer from `passages` (selected from `hits` when not given), or None without any.
    A borderline answer shows fewer of them (`evidence.shown_for_evidence`); `whole`: passages chosen
    for the situation, not for the words (the rules for acute danger), are all shown."""
    if passages is None:
        passages = select_passages(index, question, hits)
    if not passages:
        return None
    terms = QuestionTerms.of(index, question)
    if not whole:
        passages = shown_for_evidence(terms, passages, assess(index, question, hits, passages))
    lead = best_statement(index, terms, passages)
    confident = lead if lead is not None and lead.confident else None
    lines: list[str] = []
    if confident is not None:
        where = _location(passages[confident.passage], confident.absatz)
        lines += [
            f"Kurz gesagt{f' ({where})' if where else ''}: {clean(confident.sentence)}"
            f" [{confident.passage + 1}]",
            "",
        ]
    lines.append(GOVERNING)
    for n, passage in enumerate(passages, start=1):
        lines += ["", *_render(passage, n)]
    citations = [passage_citation(n, p) for n, p in enumerate(passages, start=1)]
    skipped = sum(p.skipped for p in passages)
    return ExtractedAnswer("\n".join(lines), citations, passages, confident, skipped)


def _location(passage: Passage, absatz: str | None) -> str:
    """ "§ 1 Abs. 1a UVG" for a statement of a legal text; empty for prose."""
    if not passage.is_legal:
        return ""
    document, chunk = passage.hit.document, passage.hit.chunk
    return f"{chunk.paragraph}{f' Abs. {absatz}' if absatz else ''} {document.law or document.title}"


def _render(passage: Passage, n: int) -> list[str]:
    if not passage.is_legal:
        return [f"- {clean(sentence)} [{n}]" for sentence in passage.sentences]
    document, chunk = passage.hit.document, passage.hit.chunk
    heading = f"{chunk.paragraph} {document.law or document.title}"
    title = (chunk.section or "").removeprefix(chunk.paragraph or "").strip()
    if title:
        heading += f" – {title}"
    numbers = absatz_list(passage.numbers)
    if numbers:
        heading += f", Abs. {numbers}"
    if document.superseded_by:
        heading += " (ältere, inzwischen ersetzte Fassung)"
    quoted = [f"> {line}" for absatz in passage.absaetze for line in display_lines(absatz.text)]
    return [f"{heading} [{n}]", *quoted]
