"""Loading the checked-in question sets and matching hits against their gold passages.

A question lists one or more gold units: a source file and, optionally, the passage in it ("§ 8a" for
laws and bylaws, a heading for prose). The units are alternatives: a hit on any of them answers the
question. A chunk of our index matches a unit when it comes from that source and

- the unit names no passage (the whole document is gold), or
- the unit names a § and the chunk belongs to that § (`Chunk.paragraph`), or
- the unit names a heading and the chunk stands under it: its own heading, or one of the headings
  above it (`Chunk.chapter`), so a sub-section of a gold section counts as gold too.

Chunks of the stock baseline carry no structure; `evals.baseline` matches them by text position.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).parent / "datasets"
_CHAPTER_SEPARATOR = " › "  # how ingest.chunking joins the headings above a chunk


@dataclass(frozen=True)
class Gold:
    source: str  # a suffix of the indexed source, e.g. "laws/2026/sgb8.md"
    section: str | None  # "§ 8a" for laws, a heading for prose, None for a whole document

    def matches_source(self, source: str) -> bool:
        return source == self.source or source.endswith("/" + self.source)

    def matches(
        self, source: str, paragraph: str | None, section: str | None, chapter: str | None = None
    ) -> bool:
        if not self.matches_source(source):
            return False
        if self.section is None:
            return True
        if self.is_paragraph:
            return paragraph == self.section
        return section == self.section or self.section in (chapter or "").split(_CHAPTER_SEPARATOR)

    @property
    def is_paragraph(self) -> bool:
        return self.section is not None and self.section.startswith("§")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: tuple[Gold, ...] = ()
    kind: str | None = None
    history: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def gold_match(
        self, source: str, paragraph: str | None, section: str | None, chapter: str | None = None
    ) -> int | None:
        """Index of the first gold unit the chunk belongs to, or None."""
        return next(
            (n for n, g in enumerate(self.gold) if g.matches(source, paragraph, section, chapter)), None
        )

    def is_gold(
        self, source: str, paragraph: str | None, section: str | None, chapter: str | None = None
    ) -> bool:
        return self.gold_match(source, paragraph, section, chapter) is not None

    @property
    def split(self) -> str:
        """ "dev" or "test", fixed by the id alone (see `split_of`): tune on dev, gate on test."""
        return split_of(self.id)

    @property
    def half(self) -> str:
        """ "odd" or "even" by the number in the id: parameters are tuned on odd ids only."""
        digits = "".join(c for c in self.id if c.isdigit())
        return "odd" if digits and int(digits) % 2 else "even"


def split_of(question_id: str) -> str:
    """ "dev" or "test" by the first hex digit of sha256(id): nobody can move a hard question to dev
    without renaming it, and a new question's split is known before anyone has seen how it scores."""
    return "dev" if hashlib.sha256(question_id.encode("utf-8")).hexdigest()[0] in "01234567" else "test"


def load_questions(name: str, datasets: Path = DATASETS) -> list[Question]:
    """The questions of `datasets/name`; an absent file is an empty set."""
    path = datasets / name
    if not path.exists():
        return []
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        questions.append(
            Question(
                id=raw["id"],
                question=raw["question"],
                gold=tuple(Gold(g["source"], g.get("section")) for g in raw.get("gold", [])),
                kind=raw.get("kind"),
                history=tuple(raw.get("history", [])),
                extra={
                    k: v for k, v in raw.items() if k not in {"id", "question", "gold", "kind", "history"}
                },
            )
        )
    return questions
