"""Checks of the question sets against the freshly built index: is the gold there at all?

These find mistakes in the datasets, not in the search: a gold § the index does not hold (a typo in
`source`, a § the chunking merged away), or a key fact that no gold passage states (a fact written
differently from the law text, or the wrong § as gold). They are listed with their ids whatever the
split: they say nothing about how well the system answers.
"""

from __future__ import annotations

from collections.abc import Iterator

from evals.facts import states_fact
from evals.gold import Question
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk


def _placed_chunks(index: KnowledgeIndex) -> Iterator[tuple[str, Chunk]]:
    sources = {d.id: d.source for d in index.documents()}
    for chunk in index.all_chunks():
        yield sources[chunk.document_id], chunk


def units_in_index(index: KnowledgeIndex, questions: list[Question]) -> dict[str, int]:
    """Per question, how many of its gold units some chunk of the index belongs to."""
    places = {(source, c.paragraph, c.section, c.chapter) for source, c in _placed_chunks(index)}
    return {q.id: sum(1 for g in q.gold if any(g.matches(*place) for place in places)) for q in questions}


def facts_not_in_gold(index: KnowledgeIndex, questions: list[Question]) -> list[str]:
    """Ids of the questions with facts whose gold chunks (some are indexed) state none of them.

    A question whose gold is not indexed at all is left out: `units_in_index` reports it already.
    """
    with_facts = [q for q in questions if q.facts]
    reached: set[str] = set()
    stated: set[str] = set()
    for source, chunk in _placed_chunks(index):
        for q in with_facts:
            if q.id in stated or not q.is_gold(source, chunk.paragraph, chunk.section, chunk.chapter):
                continue
            reached.add(q.id)
            if states_fact(chunk.text, q.facts):
                stated.add(q.id)
    return [q.id for q in with_facts if q.id in reached and q.id not in stated]
