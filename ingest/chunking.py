"""Structure-aware chunking: laws by § and Absatz, prose by headings and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from knowledge.models import DocumentType

MAX_CHARS = 1400  # about 200 German words: one § of average length, or a few Absätze of a long one
PROSE_CHARS = 1100

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_PARAGRAPH = re.compile(r"^(§{1,2}\s*\d+[a-z]?)(?:\s*[-–]\s*|\s+)?(.*)$")
_ABSATZ = re.compile(r"^\((\d+[a-z]?)\)\s*")
_REPEALED = re.compile(r"^\(?weggefallen\)?\.?$", re.I)
_SKIPPED_HEADINGS = {"inhaltsverzeichnis", "inhaltsübersicht", "inhalt"}

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


@dataclass
class _Block:
    heading: str | None
    level: int
    ancestors: list[str]
    lines: list[str]


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
        paragraphs = _paragraphs(block.lines)
        if not paragraphs:
            continue
        match = _PARAGRAPH.match(block.heading or "")
        if is_legal and match:
            drafts.extend(_legal_chunks(match, paragraphs, block.ancestors))
        elif is_legal and _is_front_matter_noise(paragraphs):
            continue
        else:
            drafts.extend(_prose_chunks(block.heading, paragraphs, block.ancestors))
    return drafts


def _blocks(text: str, title: str) -> list[_Block]:
    """Split at Markdown headings; each block knows the headings above it."""
    blocks = [_Block(None, 0, [], [])]
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        match = _HEADING.match(line)
        if not match:
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
        blocks.append(_Block(heading, level, ancestors, []))
        stack.append((level, heading))
    return blocks


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks with hard line wraps undone."""
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(" ".join(current).split()))
            current = []
    return paragraphs


def _is_front_matter_noise(paragraphs: list[str]) -> bool:
    """The register data before the first § ("Ausfertigungsdatum", ":   1990-06-26") is no content."""
    return sum(len(p) for p in paragraphs) < 400 or all(p.startswith(":") or len(p) < 60 for p in paragraphs)


def _legal_chunks(match: re.Match[str], paragraphs: list[str], ancestors: list[str]) -> list[ChunkDraft]:
    paragraph_id = " ".join(match.group(1).split()).replace("§", "§ ").replace("§  ", "§ ").strip()
    paragraph_id = re.sub(r"§\s*", "§ ", paragraph_id)
    heading_rest = match.group(2).strip()
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
            drafts.append(ChunkDraft(body, section, paragraph_id, numbers, chapter))
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


def _prose_chunks(heading: str | None, paragraphs: list[str], ancestors: list[str]) -> list[ChunkDraft]:
    chapter = " › ".join(ancestors) or None
    drafts: list[ChunkDraft] = []
    current = ""
    for paragraph in paragraphs:
        pieces = _prose_splitter.split_text(paragraph) if len(paragraph) > PROSE_CHARS else [paragraph]
        for piece in pieces:
            if current and len(current) + len(piece) > PROSE_CHARS:
                drafts.append(ChunkDraft(current, heading, None, (), chapter))
                current = ""
            current = f"{current}\n{piece}" if current else piece
    if current:
        drafts.append(ChunkDraft(current, heading, None, (), chapter))
    return drafts
