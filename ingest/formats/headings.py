"""Headings of formats that lose their styles on the way to text (.doc through antiword, .rtf through
striprtf): found from the lines themselves and written as Markdown headings, so that the chunker makes
sections of them as it does for DOCX and ODT and a citation names the section.

A line is a heading when it is short, does not end like a sentence and either
- is numbered as a heading ("1. Ziel", "2.3 Verfahren", "§ 3 Zuständigkeit", "Abschnitt 2 …"), or
- is followed by a paragraph of running text ("Zuständigkeit" above the sentences about it).
A short first line of the document is its title (level 1); numbered headings are nested by their
number ("2." level 2, "2.3" level 3), the others are level 2.
"""

from __future__ import annotations

import re

# Longer than this, or with more words, a line is text, not a heading.
_MAX_CHARS = 90
_MAX_WORDS = 12
# The paragraph below an unnumbered heading: at least this long (a heading above a heading is a list).
_MIN_BODY_CHARS = 60
_NUMBERED = re.compile(r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[^\W\d_].*)")
_NAMED = re.compile(r"(?:§{1,2}|Art\.|Artikel|Abschnitt|Teil|Kapitel|Anlage)\s*\d+[a-z]?\b.*")
# A sentence ends with these; a heading does not (a question as a heading keeps its "?").
_SENTENCE_END = (".", ",", ";", ":", "!")
# "12. März 2026" is a date, not chapter 12.
_MONTHS = {
    "januar",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
}


def mark_headings(blocks: list[str]) -> list[str]:
    """`blocks` (one paragraph each; Markdown tables and headings as they are) with headings marked."""
    marked: list[str] = []
    for position, block in enumerate(blocks):
        following = blocks[position + 1] if position + 1 < len(blocks) else ""
        level = heading_level(block, following)
        if position == 0 and _shaped(block) and block[0].isupper() and not _NUMBERED.fullmatch(block):
            level = 1  # the title, whatever follows it (often the first numbered heading)
        marked.append(block if level is None else "#" * level + " " + block)
    return marked


def heading_level(line: str, following: str) -> int | None:
    """The Markdown level of `line` as a heading before `following`, None when it is text."""
    if not _shaped(line):
        return None
    numbered = _NUMBERED.fullmatch(line)
    if numbered and numbered.group("title").split()[0].lower() not in _MONTHS:
        return min(numbered.group("number").count(".") + 2, 6)
    if _NAMED.fullmatch(line):
        return 2
    if numbered or not line[0].isupper() or not _is_running_text(following):
        return None
    return 2


def _shaped(line: str) -> bool:
    """Short, one line, not a sentence, no Markdown of its own: a heading if anything."""
    return not (
        not line
        or line[0] in "#|-*"
        or "\n" in line
        or len(line) > _MAX_CHARS
        or len(line.split()) > _MAX_WORDS
        or line.endswith(_SENTENCE_END)
    )


def _is_running_text(block: str) -> bool:
    """A paragraph of sentences (or a table with its caption above it), not another short line."""
    if block.startswith("|"):
        return True
    return len(block) >= _MIN_BODY_CHARS and not block.startswith("#")
