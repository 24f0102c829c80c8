"""Whether one statement answers the question on its own ("Kurz gesagt …"), decided from measured features.

Candidates are the whole sentences of the shown passages that can stand alone (`statements`).
Features: how much of the question's content the statement covers, its margin over the next best
statement, and whether it is short enough to be a short answer. The thresholds were fitted on the
dev split (`python -m evals.calibrate_answers`); below them the answer opens with the passages.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.passages import Passage
from assistant.answering.sentences import split_sentences
from assistant.answering.statements import is_statement, opens_with_pronoun
from assistant.answering.terms import QuestionTerms, text_tokens
from knowledge.index import KnowledgeIndex

# Fitted on dev (see module docstring): the most leads at which at least 90 % of them state the key
# fact of the question. A statement leads only when it covers three quarters of the whole question;
# the margin over the next statement made no difference there (0 is its fitted value).
MIN_COVERAGE = 0.75
MIN_MARGIN = 0.0
MAX_LEAD_CHARS = 400
LEAD_PASSAGES = 2  # statements are drawn from the first passages only


@dataclass(frozen=True)
class Lead:
    passage: int  # index into the passages
    sentence: str  # verbatim, as it stands in the passage
    absatz: str | None  # the Absatz it stands in, for "Kurz gesagt (§ 1 Abs. 1a UVG)"
    coverage: float
    margin: float  # coverage over the next best candidate statement

    @property
    def confident(self) -> bool:
        return (
            self.coverage >= MIN_COVERAGE
            and self.margin >= MIN_MARGIN
            and len(self.sentence) <= MAX_LEAD_CHARS
        )


def best_statement(index: KnowledgeIndex, terms: QuestionTerms, passages: list[Passage]) -> Lead | None:
    """The statement that covers the question best, with its features; None when there is none."""
    scored: list[Lead] = []
    for position, passage in enumerate(passages[:LEAD_PASSAGES]):
        context = text_tokens(index, passage.hit.chunk.section or "")
        for absatz, sentence in _sentences(passage):
            # Of the whole question: words the knowledge base never uses are words no statement answers.
            coverage = terms.coverage(text_tokens(index, sentence), context) * (1.0 - terms.unknown_share)
            scored.append(Lead(position, sentence, absatz, coverage, 0.0))
    scored.sort(key=lambda lead: (lead.coverage, -lead.passage), reverse=True)
    # Only statements count (whole, with a verb, not pointing back); checked best first, lazily.
    statements = (s for s in scored if is_statement(s.sentence) and not opens_with_pronoun(s.sentence))
    best = next(statements, None)
    if best is None:
        return None
    runner_up = next((lead.coverage for lead in statements if lead.sentence != best.sentence), 0.0)
    return Lead(best.passage, best.sentence, best.absatz, best.coverage, best.coverage - runner_up)


def _sentences(passage: Passage) -> list[tuple[str | None, str]]:
    if passage.is_legal:
        return [(a.number, s) for a in passage.absaetze for s in split_sentences(a.text)]
    return [(None, s) for s in passage.sentences]
