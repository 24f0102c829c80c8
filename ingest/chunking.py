"""Structure-aware chunking: laws by § and Absatz, prose by headings and paragraphs, tables whole.

Paged formats (PDF, scans) mark where each page begins with a line `PAGE_MARK` + number
(`mark_pages`); every draft records the page it starts on, and the marks never reach a chunk's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from knowledge.models import DocumentType

MAX_CHARS = 1400  # about 200 German words: one § of average length, or a few Absätze of a long one
PROSE_CHARS = 1100
# A table is one chunk up to this size (a Pflegegeld table by age group is about 600 characters);
# a longer one is split between rows, each part with the header row again.
TABLE_CHARS = 2800
CAPTION_CHARS = 240
PAGE_MARK = "\ue010"  # Unicode private use: never in a document

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_PARAGRAPH = re.compile(r"^(§{1,2}\s*\d+[a-z]?)(?:\s*[-–]\s*|\s+)?(.*)$")
_ABSATZ = re.compile(r"^\((\d+[a-z]?)\)\s*")
_REPEALED = re.compile(r"^\(?weggefallen\)?\.?$", re.I)
_SKIPPED_HEADINGS = {"inhaltsverzeichnis", "inhaltsübersicht", "inhalt"}
_PAGE_LINE = re.compile(PAGE_MARK + r"(\d+)$")
_TABLE_DELIMITER = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")

_prose_splitter = RecursiveCharacterTextSplitter(
    chunk_size=PROSE_CHARS, chunk_overlap=120, separators=["\n\n", "\n", ". ", "; ", ", ", " "]
)


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it has ids: text plus where it stands."""

    text: str
    section: str | None = None
    paragraph: str | None = None
    absaetze: tuple[str, ...] = ()
    chapter: str | None = None
    page: int | None = None  # the page the chunk starts on (paged formats)


@dataclass
class _Block:
    heading: str | None
    level: int
    ancestors: list[str]
    lines: list[str]
    page: int | None = None


# A paragraph with the page it stands on.
_Para = tuple[str, int | None]


def mark_pages(pages: list[str] | tuple[str, ...]) -> str:
    """The pages joined, each after a line that says its number (read back by `chunk_document`)."""
    return "\n\n".join(f"{PAGE_MARK}{number}\n\n{text}" for number, text in enumerate(pages, start=1))


def strip_page_marks(text: str) -> str:
    return re.sub(PAGE_MARK + r"\d+\n*", "", text)


def chunk_document(text: str, doc_type: DocumentType, title: str) -> list[ChunkDraft]:
    blocks = _blocks(text, title)
    is_legal = (
        doc_type in {DocumentType.LAW, DocumentType.BYLAW}
        or sum(1 for b in blocks if b.heading and _PARAGRAPH.match(b.heading)) >= 3
    )
    drafts: list[ChunkDraft] = []
    for block in blocks:
        if block.heading and block.heading.lower() in _SKIPPED_HEADINGS:
            continue
        paragraphs = _with_pages(_paragraphs(block.lines), block.page)
        if not paragraphs:
            continue
        match = _PARAGRAPH.match(block.heading or "")
        if is_legal and match:
            drafts.extend(_legal_chunks(match, paragraphs, block.ancestors))
        elif is_legal and _is_front_matter_noise([text for text, _ in paragraphs]):
            continue
        else:
            drafts.extend(_prose_chunks(block.heading, paragraphs, block.ancestors))
    return drafts


def _with_pages(paragraphs: list[str], page: int | None) -> list[_Para]:
    """The page marks taken out, each paragraph paired with the page it stands on."""
    paired: list[_Para] = []
    for paragraph in paragraphs:
        mark = _PAGE_LINE.match(paragraph)
        if mark:
            page = int(mark.group(1))
        else:
            paired.append((paragraph, page))
    return paired


def _blocks(text: str, title: str) -> list[_Block]:
    """Split at Markdown headings; each block knows the headings above it."""
    blocks = [_Block(None, 0, [], [])]
    stack: list[tuple[int, str]] = []
    page: int | None = None
    for line in text.splitlines():
        match = _HEADING.match(line)
        if not match:
            mark = _PAGE_LINE.match(line)
            if mark:
                page = int(mark.group(1))
            blocks[-1].lines.append(line)
            continue
        level, heading = len(match.group(1)), " ".join(match.group(2).split())
        while stack and stack[-1][0] >= level:
            stack.pop()
        # Level-1 headings name the document itself; the table of contents is no chapter.
        ancestors = [
            h
            for lvl, h in stack
            if lvl > 1 and h != title and h.lower() not in _SKIPPED_HEADINGS and not _PARAGRAPH.match(h)
        ]
        blocks.append(_Block(heading, level, ancestors, [], page))
        stack.append((level, heading))
    return blocks


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks with hard line wraps undone; a Markdown table becomes one line
    (web/restore.py shows it as a table again), split between rows when it is over `TABLE_CHARS`."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        stripped = line.strip()
        if stripped and not _PAGE_LINE.match(stripped):
            current.append(stripped)
            continue
        if current:
            if is_table(current):
                paragraphs.extend(_table_parts(current))
            else:
                paragraphs.append(" ".join(" ".join(current).split()))
            current = []
        if stripped:
            paragraphs.append(stripped)  # a page mark stays a paragraph of its own
    return paragraphs


def is_table(lines: list[str]) -> bool:
    return (
        len(lines) >= 2
        and all(line.startswith("|") for line in lines)
        and bool(_TABLE_DELIMITER.match(lines[1].replace(" ", "")))
    )


def _table_parts(lines: list[str]) -> list[str]:
    head, rows = lines[:2], lines[2:]
    parts: list[str] = []
    current: list[str] = []
    for row in rows:
        if current and sum(len(r) + 1 for r in [*head, *current, row]) > TABLE_CHARS:
            parts.append(" ".join([*head, *current]))
            current = []
        current.append(row)
    parts.append(" ".join([*head, *current]))
    return parts


def _is_table_text(paragraph: str) -> bool:
    return paragraph.startswith("|") and "|---" in paragraph.replace(" ", "")


def _is_front_matter_noise(paragraphs: list[str]) -> bool:
    """The register data before the first § ("Ausfertigungsdatum", ":   1990-06-26") is no content."""
    return sum(len(p) for p in paragraphs) < 400 or all(p.startswith(":") or len(p) < 60 for p in paragraphs)


def _legal_chunks(match: re.Match[str], paired: list[_Para], ancestors: list[str]) -> list[ChunkDraft]:
    paragraph_id = " ".join(match.group(1).split()).replace("§", "§ ").replace("§  ", "§ ").strip()
    paragraph_id = re.sub(r"§\s*", "§ ", paragraph_id)
    heading_rest = match.group(2).strip()
    paragraphs = [text for text, _ in paired]
    page = paired[0][1] if paired else None
    if _REPEALED.match(heading_rest) or all(_REPEALED.match(p) for p in paragraphs):
        return []
    section = f"{paragraph_id} {heading_rest}".strip()
    chapter = " › ".join(ancestors) or None

    absaetze: list[tuple[str | None, list[str]]] = []
    for paragraph in paragraphs:
        absatz = _ABSATZ.match(paragraph)
        if absatz:
            if _REPEALED.match(paragraph[absatz.end() :].strip()):
                absaetze.append((absatz.group(1), []))  # keeps the numbering, drops the empty Absatz
                continue
            absaetze.append((absatz.group(1), [paragraph]))
        elif absaetze:
            absaetze[-1][1].append(paragraph)
        else:
            absaetze.append((None, [paragraph]))

    drafts: list[ChunkDraft] = []
    group: list[tuple[str | None, str]] = []

    def flush() -> None:
        if group:
            numbers = tuple(dict.fromkeys(n for n, _ in group if n))
            body = "\n".join(t for _, t in group)
            drafts.append(ChunkDraft(body, section, paragraph_id, numbers, chapter, page))
            group.clear()

    for number, parts in absaetze:
        if not parts:
            continue
        text = "\n".join(parts)
        if len(text) > MAX_CHARS:
            flush()
            for piece in _split_long(parts):
                group.append((number, piece))
                flush()
            continue
        if sum(len(t) for _, t in group) + len(text) > MAX_CHARS:
            flush()
        group.append((number, text))
    flush()
    return drafts


def _split_long(parts: list[str]) -> list[str]:
    """An over-long Absatz: split at its numbered items, then at sentences."""
    pieces: list[str] = []
    current = ""
    for part in parts:
        for segment in _prose_splitter.split_text(part) if len(part) > MAX_CHARS else [part]:
            if current and len(current) + len(segment) > MAX_CHARS:
                pieces.append(current)
                current = ""
            current = f"{current}\n{segment}" if current else segment
    if current:
        pieces.append(current)
    return pieces


def _prose_chunks(heading: str | None, paired: list[_Para], ancestors: list[str]) -> list[ChunkDraft]:
    chapter = " › ".join(ancestors) or None
    drafts: list[ChunkDraft] = []
    current: list[_Para] = []

    def flush() -> None:
        if current:
            text = "\n".join(piece for piece, _ in current)
            drafts.append(ChunkDraft(text, heading, None, (), chapter, current[0][1]))
            current.clear()

    for paragraph, page in paired:
        if _is_table_text(paragraph):
            # A table is a chunk of its own, with the short line above it when that is its caption.
            caption = current.pop() if current and len(current[-1][0]) <= CAPTION_CHARS else None
            flush()
            current.extend([caption, (paragraph, page)] if caption else [(paragraph, page)])
            flush()
            continue
        pieces = _prose_splitter.split_text(paragraph) if len(paragraph) > PROSE_CHARS else [paragraph]
        for piece in pieces:
            # A chunk stays on one page, so that its citation names the page the words stand on.
            if current and (
                current[0][1] != page or sum(len(t) + 1 for t, _ in current) + len(piece) > PROSE_CHARS
            ):
                flush()
            current.append((piece, page))
    flush()
    return drafts
