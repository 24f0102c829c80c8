"""Markdown structure the index flattened, restored for display.

Ingest joins the lines of every blank-line block into one (ingest/chunking.py), so a passage reaches us
with each paragraph on one line: a table as "| a | b | |---|---| | 1 | 2 |", a Word list as
"Themen: • eins ◦ zwei • drei". This puts the rows and items back on lines of their own, so that the
renderer shows a table and a list instead of pipes and bullet glyphs.

>>> restore_structure("Plan: | a | b | |---|---| | 1 | 2 | und mehr", lines_are_paragraphs=True)
'Plan:\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |\\n\\nund mehr'
"""

from __future__ import annotations

import itertools
import re

# Marks for the quoted passage of a source card (Unicode private use, never in a document); they may
# stand anywhere and must survive the restoring (web/markdown.py turns them into <mark>).
MARK_START, MARK_END = "\ue000", "\ue001"
_GAP = f"[ \\t{MARK_START}{MARK_END}]"
_DELIMITER = re.compile(rf"\|{_GAP}+(\|(?:[ \t]*:?-+:?[ \t]*\|)+)")
_ROW_START = re.compile(rf"{_GAP}*\|")
_BULLET = re.compile(rf"(^|{_GAP}+)[•●▪■]{_GAP}+")
_SUB_BULLET = re.compile(rf"(^|{_GAP}+)[◦○▫□]{_GAP}+")
_ORPHAN_ROW = re.compile(r"^\|([^|\n]*\|){2,}$")
_LIST_ITEM = re.compile(rf"{_GAP}*(?:[-*+]|\d{{1,9}}[.)]){_GAP}")
# "Fachkräfte*innen": the gender star is a letter's neighbour, not emphasis.
_GENDER_STAR = re.compile(r"(?<=\w)\*(?=\w)")


def restore_structure(text: str, *, lines_are_paragraphs: bool) -> str:
    """Each line with its tables and bullet lists restored; with `lines_are_paragraphs` (text from the
    index), lines become paragraphs of their own."""
    blocks = [_restore_line(line) for line in text.split("\n")]
    if not lines_are_paragraphs:
        return "\n".join(blocks)
    joined = blocks[:1]
    for previous, block in itertools.pairwise(blocks):
        # Consecutive items ("1. …", "2. …") stay one list; every other line is a paragraph of its own.
        same_list = _LIST_ITEM.match(previous.rsplit("\n", 1)[-1]) and _LIST_ITEM.match(block)
        joined.append(("\n" if same_list else "\n\n") + block)
    return "".join(joined)


def _restore_line(line: str) -> str:
    line = _restore_table(_GENDER_STAR.sub(r"\\*", line))
    if "\n" not in line and _ORPHAN_ROW.match(line.strip()):
        # One row of a table without its header (a quote from a table): its cells, not the pipes.
        line = " · ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    line = _BULLET.sub(lambda m: ("" if m.start() == 0 else "\n") + "- ", line)
    return _SUB_BULLET.sub(lambda m: ("" if m.start() == 0 else "\n") + "  - ", line)


def _restore_table(line: str) -> str:
    match = _DELIMITER.search(line)
    if match is None:
        return line
    delimiter = match.group(1)
    columns = delimiter.count("|") - 1
    head_end = match.start() + 1
    head_start = _nth_pipe_back(line, head_end, columns + 1)
    if head_start is None:
        return line
    rows, rest = [line[head_start:head_end].strip(), delimiter], line[match.end() :]
    while (start := _ROW_START.match(rest)) is not None:
        end = _nth_pipe(rest, start.end() - 1, columns + 1)
        if end is None:
            break
        rows.append(rest[: end + 1].strip())
        rest = rest[end + 1 :]
    lead, trail = line[:head_start].strip(), rest.strip()
    if _LIST_ITEM.fullmatch(lead + " "):  # "- | a | b | …": the table is the list item's content
        indent = " " * (len(lead) + 1)
        item = lead + " " + ("\n" + indent).join(rows)
        return item + (f"\n\n{indent}{trail}" if trail else "")
    return "\n\n".join(part for part in (lead, "\n".join(rows), trail) if part)


def _nth_pipe_back(line: str, end: int, count: int) -> int | None:
    """Where the header row starts: the `count`-th pipe counting back from `end`."""
    position = end
    for _ in range(count):
        position = line.rfind("|", 0, position)
        if position < 0:
            return None
    return position


def _nth_pipe(text: str, first: int, count: int) -> int | None:
    """The position of the `count`-th pipe from `first` (which is one)."""
    position = first
    for _ in range(count - 1):
        position = text.find("|", position + 1)
        if position < 0:
            return None
    return position
