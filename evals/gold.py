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
    facts: tuple[str, ...] = ()  # any of them stated in the answer = the key fact was heard
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


def split_of(question_id: str) -> str:
    """ "dev" or "test" by the first hex digit of sha256(id): nobody can move a hard question to dev
    without renaming it, and a new question's split is known before anyone has seen how it scores."""
    return "dev" if hashlib.sha256(question_id.encode("utf-8")).hexdigest()[0] in "01234567" else "test"


class DatasetError(ValueError):
    """A question file that cannot be read as it stands: names the file, the line and the reason."""


def load_questions(name: str, datasets: Path = DATASETS) -> list[Question]:
    """The questions of `datasets/name`; an absent file is an empty set.

    Every line is one JSON object with at least `id` and `question`; ids are unique within the file.
    `facts` (optional) is a list of strings, any of which an answer must state (`evals.facts`). A line
    with `"retired": "Grund"` keeps its id taken but is not asked (a question is never deleted, so
    nobody can drop a hard test question unseen; see `datasets/README.md`).
    """
    path = datasets / name
    if not path.exists():
        return []
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}, Zeile {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: kein gültiges JSON ({exc.msg})") from exc
        question = _question(raw, where)
        if question.id in seen:
            raise DatasetError(f"{where}: Id {question.id!r} kommt doppelt vor (Ids nie wiederverwenden)")
        seen.add(question.id)
        if not raw.get("retired"):
            questions.append(question)
    return questions


_KNOWN = {"id", "question", "gold", "kind", "history", "facts", "retired"}


def _question(raw: Any, where: str) -> Question:
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: erwartet ein JSON-Objekt")
    for key in ("id", "question"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise DatasetError(f"{where}: Feld {key!r} fehlt oder ist leer")
    facts = raw.get("facts", [])
    if not isinstance(facts, list) or not all(isinstance(f, str) and f.strip() for f in facts):
        raise DatasetError(f"{where}: Feld 'facts' muss eine Liste nicht leerer Texte sein")
    try:
        gold = tuple(Gold(g["source"], g.get("section")) for g in raw.get("gold", []))
    except (KeyError, TypeError, AttributeError) as exc:
        raise DatasetError(f"{where}: Feld 'gold' braucht Einträge mit 'source'") from exc
    return Question(
        id=raw["id"],
        question=raw["question"],
        gold=gold,
        kind=raw.get("kind"),
        history=tuple(raw.get("history", [])),
        facts=tuple(facts),
        extra={k: v for k, v in raw.items() if k not in _KNOWN},
    )
