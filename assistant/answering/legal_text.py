"""The Absätze of a § as a reader of the law sees them, and which of them qualify one another.

Ingest stores a § as one or more chunks of whole Absätze; an Absatz longer than a chunk continues
in the next one (same number, no "(n)" at its start). Reassembled here, an Absatz is always shown
whole: with its Sätze and its Nummern ("1.", "2.", "a)"), never cut mid-list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.models import Chunk

_ABSATZ_START = re.compile(r"^\((\d+[a-z]?)\)\s*")
# Ingest splits an Absatz longer than a chunk at ". ", "; " or ", " and keeps the separator at the
# start of the next piece; such a line continues the line before it.
_SPLIT_SEPARATORS = ".;,"
# The prose splitter's overlap is 120 characters (`ingest.chunking`); a shorter common end and start
# ("., ") is no overlap but punctuation.
_MAX_OVERLAP = 200
_MIN_OVERLAP = 12
# "Absatz 1", "Absatzes 1 und 2", "Absätze 1 bis 3", "Abs. 1a": the Absätze a sentence refers to.
_ABSATZ_REFERENCE = re.compile(
    r"\b(?:Absatz|Absatzes|Absätze|Absätzen|Abs\.)\s+(\d+[a-z]?(?:\s*(?:,|und|oder|bis)\s*\d+[a-z]?)*)"
    r"(?!\s*(?:des|der|dieses)?\s*(?:SGB|Gesetzes|Buches|Bürgerlichen|\w+gesetz))"
)
_NUMBER = re.compile(r"\d+[a-z]?")
# An Absatz that opens by changing another one's rule: "Über Absatz 1 Nummer 1 hinaus …",
# "Abweichend von Absatz 1 …", "Absatz 1 gilt nicht, wenn …", "Die Absätze 1 und 2 gelten entsprechend".
_MODIFIER_BEFORE = re.compile(
    r"\b(über|abweichend von|unbeschadet|ungeachtet|außer in|entgegen|vorbehaltlich|in den fällen|"
    r"im fall(e)?|in fällen)\s+(de[sr]\s+|den\s+)?(Absatz|Absatzes|Absätze|Absätzen|Abs\.)",
    re.IGNORECASE,
)
_MODIFIER_AFTER = re.compile(
    r"(Absatz|Absätze|Abs\.)\s+\d+[a-z]?(?:\s*(?:,|und|oder|bis)\s*\d+[a-z]?)*(?:\s+Satz\s+\d+)?"
    r"\s+(gilt|gelten|findet|finden|ist|sind|bleibt|bleiben)\s+(nicht|entsprechend|auch|keine|unberührt|"
    r"anzuwenden|nur)\b",
    re.IGNORECASE,
)
_OPENING_WORDS = 12
# Inline enumerations ("… Jugendlichen 1. im Rahmen …, 2. als Vormund …") as the 2026 texts write them.
_INLINE_ITEM = re.compile(r"(?<=[\s,;:])(\d{1,2})\.\s+(?=[a-zäöü„(])")
_INLINE_LETTER = re.compile(r"(?<=[\s,;:])([a-z])\)\s+(?=\S)")


@dataclass(frozen=True)
class Absatz:
    """One Absatz of a §, whole. `number` is None for a § without numbered Absätze."""

    number: str | None
    text: str  # the law's own text, one line per Satz group or list item as ingest stored it
    chunk_id: str  # the chunk the Absatz begins in
    chunk_ids: tuple[str, ...] = ()  # every chunk it stands in (an over-long Absatz continues)

    @property
    def chunks(self) -> tuple[str, ...]:
        return self.chunk_ids or (self.chunk_id,)

    @property
    def label(self) -> str:
        return f"({self.number})" if self.number else ""


def absaetze_of(chunks: Sequence[Chunk]) -> list[Absatz]:
    """The Absätze of one § from its chunks (in chunk order), continuations joined to their Absatz."""
    found: list[tuple[str | None, list[str], list[str]]] = []
    for chunk in chunks:
        for line in chunk.text.splitlines():
            if not line.strip():
                continue
            start = _ABSATZ_START.match(line)
            if start:
                found.append((start.group(1), [line], [chunk.id]))
                continue
            if not found:
                found.append((chunk.absaetze[0] if chunk.absaetze else None, [line], [chunk.id]))
                continue
            if line[:1] in _SPLIT_SEPARATORS:
                # Ingest cut an over-long Absatz at ". ": the cut is undone.
                found[-1][1][-1] = _rejoined(found[-1][1][-1], line)
            else:
                found[-1][1].append(line)
            if found[-1][2][-1] != chunk.id:
                found[-1][2].append(chunk.id)
    return [Absatz(number, "\n".join(lines), ids[0], tuple(ids)) for number, lines, ids in found]


def _rejoined(before: str, continuation: str) -> str:
    """`before` and its `continuation` as one line. The splitter lets the pieces overlap (up to
    `_MAX_OVERLAP` characters): the continuation may repeat the end of `before`, which is read once."""
    for size in range(min(len(continuation), len(before), _MAX_OVERLAP), _MIN_OVERLAP - 1, -1):
        if before.endswith(continuation[:size]):
            return before + continuation[size:]
    return before + continuation


def referenced_absaetze(text: str) -> set[str]:
    """The Absatz numbers `text` refers to ("Absatz 1 Nummer 2", "Absätze 1 und 2", "Abs. 1a")."""
    numbers: set[str] = set()
    for match in _ABSATZ_REFERENCE.finditer(text):
        listed = match.group(1)
        if "bis" in listed:
            bounds = [int(re.match(r"\d+", n).group()) for n in _NUMBER.findall(listed)]  # type: ignore[union-attr]
            numbers.update(str(n) for n in range(min(bounds), max(bounds) + 1))
        numbers.update(_NUMBER.findall(listed))
    return numbers


def qualifies(candidate: Absatz, chosen: Absatz) -> bool:
    """`candidate` extends or qualifies `chosen`: it is its lettered successor (1a after 1), or it opens
    by modifying it ("Über Absatz 1 … hinaus", "Absatz 1 gilt nicht, wenn …")."""
    if chosen.number is None or candidate.number in (None, chosen.number):
        return False
    base = re.match(r"\d+", chosen.number)
    if (
        base
        and re.fullmatch(rf"{base.group()}[a-z]", candidate.number or "")
        and candidate.number > chosen.number
    ):
        return True
    body = _ABSATZ_START.sub("", candidate.text)
    opening = " ".join(body.split()[:_OPENING_WORDS])
    modifies = _MODIFIER_BEFORE.search(opening) or _MODIFIER_AFTER.search(opening)
    return chosen.number in referenced_absaetze(opening) and bool(modifies)


def refers_to(candidate: Absatz, chosen: Absatz) -> bool:
    """`candidate` names `chosen` anywhere ("im Sinne des Absatzes 1 Nr. 2")."""
    return chosen.number is not None and chosen.number in referenced_absaetze(candidate.text)


def display_lines(text: str) -> list[str]:
    """The Absatz as lines to show: stored lines, with inline enumerations broken into one item per
    line when they run "1.", "2.", … (or "a)", "b)", …) in order."""
    lines: list[str] = []
    for line in text.splitlines():
        lines.extend(_break_enumeration(line))
    return lines


def _break_enumeration(line: str) -> list[str]:
    cuts = _sequence(list(_INLINE_ITEM.finditer(line)), lambda m: int(m.group(1)), 1)
    cuts += _sequence(list(_INLINE_LETTER.finditer(line)), lambda m: ord(m.group(1)), ord("a"))
    if not cuts:
        return [line]
    positions = sorted({m.start() for m in cuts})
    pieces, start = [], 0
    for position in positions:
        pieces.append(line[start:position].strip())
        start = position
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


def _sequence(matches: list[re.Match[str]], value: object, first: int) -> list[re.Match[str]]:
    """The matches that count up from `first` in order; fewer than two is no enumeration."""
    taken: list[re.Match[str]] = []
    expected = first
    for match in matches:
        if value(match) == expected:  # type: ignore[operator]
            taken.append(match)
            expected += 1
    return taken if len(taken) >= 2 else []
