"""What a loader hands on: the text of one file and what is known about its structure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attachment:
    """A file inside another (an e-mail's attachment), indexed as a document of its own."""

    name: str
    data: bytes


@dataclass(frozen=True)
class LoadedFile:
    """`text` with Markdown headings and tables where the format has them.

    `pages` (PDFs and images) holds the text of each page; `text` is then the pages joined. `extra`
    is what the document records about how it was read (pages, which were OCR'd, the confidence).
    """

    text: str
    format: str
    front_matter: dict[str, Any] = field(default_factory=dict)
    html_title: str | None = None
    pages: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


def paged(pages: list[str], format: str, extra: dict[str, Any]) -> LoadedFile:
    return LoadedFile(text="\n\n".join(pages), format=format, pages=tuple(pages), extra=extra)
