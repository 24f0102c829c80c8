"""Which of the shown passages an answer cites: the ones it stands on, not every passage chosen.

Every passage an answer shows carries its citation, so a passage that answers a neighbouring
question costs citation precision and the reader's time. Two measured cases where a further
passage adds nothing the answer stands on:

- the first passage holds a sentence that answers the question clearly better than any sentence of
  the further ones (`STATEMENT_MARGIN`): the answer stands on it, the rest is neighbourhood;
- a further passage of a local document (a Kreis's Satzung, a press release of a Landkreis) for a
  question that names no place, beside a first passage of a law: the question asks for the rule,
  not for how one Kreis applies it.

The first passage always stays: it is the one the answer was chosen for.
"""

from __future__ import annotations

import re

from assistant.answering.entities import asked_in_index
from assistant.answering.passages import Passage
from assistant.answering.sentences import split_sentences
from assistant.answering.terms import QuestionTerms, text_tokens
from knowledge.index import KnowledgeIndex
from knowledge.models import DocumentType

# The words of a region that name no place of their own ("Landkreis Göppingen" is named by "Göppingen").
_PLACE_KIND = re.compile(r"^(land|stadt|kreis|landkreis|gemeinde|region|der|des|im|in)$", re.IGNORECASE)

# Measured on dev (`python -m evals run`, citation precision / citation recall / key fact gold), the
# first passage's best sentence against the best sentence of every further passage: the questions
# where it leads by 0.2 or more of the question's weight cite further §§ that are never gold there
# (5 of 5); at 0.15 a gold further § would go (§ 7 UVG beside § 1 UVG, the answer's only gold).
STATEMENT_MARGIN = 0.2


def cited_passages(
    index: KnowledgeIndex, question: str, terms: QuestionTerms, passages: list[Passage]
) -> list[Passage]:
    """`passages` without the further ones the answer does not stand on (module docstring)."""
    if len(passages) < 2:
        return passages
    first, further = passages[0], passages[1:]
    if statement_margin(index, terms, first, further) >= STATEMENT_MARGIN:
        return [first]
    if not asked_in_index(index, question).places and not _is_local(first):
        further = [p for p in further if not _is_local(p) or _names_place_of(question, p)]
    return [first, *further]


def statement_margin(
    index: KnowledgeIndex, terms: QuestionTerms, first: Passage, further: list[Passage]
) -> float:
    """How much more of the question the best sentence of `first` covers than the best sentence of
    any passage in `further`."""
    return best_sentence_coverage(index, terms, first) - max(
        best_sentence_coverage(index, terms, p) for p in further
    )


def best_sentence_coverage(index: KnowledgeIndex, terms: QuestionTerms, passage: Passage) -> float:
    """The share of the question's weight the best whole sentence of `passage` covers, its section
    heading counting as context (as for the "Kurz gesagt" statement)."""
    context = text_tokens(index, passage.hit.chunk.section or "")
    sentences = (
        [s for absatz in passage.absaetze for s in split_sentences(absatz.text)]
        if passage.is_legal
        else list(passage.sentences)
    )
    return max((terms.coverage(text_tokens(index, s), context) for s in sentences), default=0.0)


def _is_local(passage: Passage) -> bool:
    """A document of one place that is no law: a Kreis's Satzung, a Landkreis's press release."""
    document = passage.hit.document
    return document.region is not None and document.type is not DocumentType.LAW


def _names_place_of(question: str, passage: Passage) -> bool:
    """Whether `question` writes the place of `passage`'s document ("Göppingen" for the Landkreis
    Göppingen), whether or not the place detection of `entities` knows the word as a place."""
    region = passage.hit.document.region or ""
    words = [w for w in re.findall(r"[\wäöüß-]+", region) if len(w) > 2 and not _PLACE_KIND.match(w)]
    lowered = question.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])", lowered) for w in words)
