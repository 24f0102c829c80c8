"""Loading the checked-in question sets and matching hits against their gold passages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).parent / "datasets"


@dataclass(frozen=True)
class Gold:
    source: str  # a suffix of the indexed source, e.g. "laws/2026/sgb8.md"
    section: str | None  # "§ 8a" for laws, a heading for prose, None for a whole document

    def matches(self, source: str, paragraph: str | None, section: str | None) -> bool:
        if not (source == self.source or source.endswith("/" + self.source)):
            return False
        if self.section is None:
            return True
        if self.section.startswith("§"):
            return paragraph == self.section
        return section == self.section


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: tuple[Gold, ...] = ()
    kind: str | None = None
    history: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def is_gold(self, source: str, paragraph: str | None, section: str | None) -> bool:
        return any(g.matches(source, paragraph, section) for g in self.gold)


def load_questions(name: str) -> list[Question]:
    questions = []
    for line in (DATASETS / name).read_text(encoding="utf-8").splitlines():
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
