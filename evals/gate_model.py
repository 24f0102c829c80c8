"""Labelled questions of the gate sets and their JSONL snapshots under `evals/datasets/`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from evals.gold import split_of


@dataclass(frozen=True)
class LabelledSpan:
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelledQuestion:
    """One question; `kind` is "case" or "benign"; `tags` mark e.g. a first name the gate's list lacks."""

    id: str
    text: str
    spans: tuple[LabelledSpan, ...]
    kind: str
    template: str
    tags: tuple[str, ...] = ()

    @property
    def split(self) -> str:
        """ "dev" or "test" by the id (`evals.gold.split_of`): tune on dev, report on test."""
        return split_of(self.id)

    def values(self) -> list[str]:
        """The labelled raw values: what must never be stored."""
        return [self.text[s.start : s.end] for s in self.spans]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> LabelledQuestion:
        data = json.loads(line)
        spans = tuple(LabelledSpan(**span) for span in data.pop("spans"))
        return cls(spans=spans, tags=tuple(data.pop("tags")), **data)


def write_jsonl(path: Path, questions: Iterable[LabelledQuestion]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(q.to_json() + "\n" for q in questions), encoding="utf-8")


def read_jsonl(path: Path) -> list[LabelledQuestion]:
    return [
        LabelledQuestion.from_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line
    ]
