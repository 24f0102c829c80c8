"""An acute child-protection situation: after the emergency notice the answer always quotes the rules
for acting on it, § 8a (Schutzauftrag) and § 42 (Inobhutnahme) SGB VIII, whatever else was found."""

from __future__ import annotations

from assistant.answering.passages import MAX_PASSAGES, Passage, law_passage
from assistant.answering.terms import QuestionTerms
from knowledge.index import KnowledgeIndex

CHILD_PROTECTION_LAW = "SGB VIII"
CHILD_PROTECTION_PARAGRAPHS = ("§ 8a", "§ 42")


def emergency_passages(index: KnowledgeIndex, question: str, passages: list[Passage]) -> list[Passage]:
    """§ 8a and § 42 SGB VIII (Absatz 1 and what qualifies it) first, then the best other passage."""
    terms = QuestionTerms.of(index, question)
    rules = [
        passage
        for paragraph in CHILD_PROTECTION_PARAGRAPHS
        if (passage := law_passage(index, terms, CHILD_PROTECTION_LAW, paragraph, absatz="1")) is not None
    ]
    shown = {(p.hit.document.law, p.hit.chunk.paragraph) for p in rules}
    others = [p for p in passages if (p.hit.document.law, p.hit.chunk.paragraph) not in shown]
    return [*rules, *others][:MAX_PASSAGES]
