"""`Passage`: one source of an answer and what of it is shown; the type built-in and LLM answers share."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answering.legal_text import Absatz
from knowledge.models import Hit

# Tuned on the dev split (corpus and knowledge questions: gold citation against citation precision
# and answer length; `python -m evals.calibrate_answers --passages` prints the grid): a passage's
# relevance is standing² × (1 + coverage); citation precision held above its gate (≥ 0.51).
STANDING_POWER = 2.0
COVERAGE_FLOOR = 1.0


@dataclass(frozen=True)
class Passage:
    """One source of an answer and what of it is shown.

    Legal: `absaetze` holds the whole Absätze shown, in order. Prose: `sentences` holds the whole
    sentences shown, in text order. `hit` carries the document and the chunk the shown text begins in.
    """

    hit: Hit
    relevance: float  # how well the passage answers the question (`relevance`)
    standing: float  # the search's judgement: its hit's score relative to the best hit
    coverage: float  # weighted share of the question's known terms the shown text holds
    absaetze: tuple[Absatz, ...] = ()
    sentences: tuple[str, ...] = ()
    tokens: frozenset[str] = field(default=frozenset(), repr=False)
    via: Hit | None = None  # the summary hit that named this § of the law
    skipped: int = 0  # lines of the shown text that address an AI and were left out (policy rule 6)

    @property
    def is_legal(self) -> bool:
        return bool(self.absaetze)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(a.number for a in self.absaetze if a.number)

    @property
    def text(self) -> str:
        """The shown text: Absätze one per line block, or the sentences."""
        return "\n".join(a.text for a in self.absaetze) if self.absaetze else " ".join(self.sentences)

    @property
    def label(self) -> str:
        document = self.hit.document
        if self.is_legal and self.hit.chunk.paragraph:
            return f"{self.hit.chunk.paragraph} {document.law or document.title}"
        return document.title


def relevance(standing: float, coverage: float) -> float:
    """The search's judgement of a passage, sharpened by how much of the question it holds."""
    return standing**STANDING_POWER * (COVERAGE_FLOOR + coverage)
