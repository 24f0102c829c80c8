"""Citations as a Fachkraft expects them: "§ 8a Abs. 1 SGB VIII, Stand 29.03.2026"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.models import Citation
from knowledge.models import DocumentType, Hit

if TYPE_CHECKING:
    from assistant.answering.passages import Passage

_ABSATZ_START = re.compile(r"^\((\d+[a-z]?)\)", re.M)


def absatz_of(chunk_text: str, quote: str, fallback: tuple[str, ...]) -> str | None:
    """The Absatz a quote stands in: the last "(n)" that opens a line before the quote."""
    position = chunk_text.find(quote[:60])
    if position < 0:
        return fallback[0] if fallback else None
    # Up to a few characters past the start, so a quote that begins with "(6)" finds its own number.
    numbers = [m.group(1) for m in _ABSATZ_START.finditer(chunk_text[: position + 6])]
    if numbers:
        return numbers[-1]
    return fallback[0] if fallback else None


def citation_label(hit: Hit, absatz: str | None) -> str:
    page = hit.document.page_of(hit.chunk)
    label = _label(hit, absatz)
    return f"{label}, S. {page}" if page else label


def _label(hit: Hit, absatz: str | None) -> str:
    document, chunk = hit.document, hit.chunk
    german_date = document.date.strftime("%d.%m.%Y") if document.date else None
    if document.type in {DocumentType.LAW, DocumentType.BYLAW} and chunk.paragraph:
        where = chunk.paragraph + (f" Abs. {absatz}" if absatz else "")
        name = document.law or document.title
        state = document.version_state or document.date
        label = f"{where} {name}" + (f", Stand {state.strftime('%d.%m.%Y')}" if state else "")
        if document.superseded_by:
            label += " (ältere, inzwischen ersetzte Fassung)"
        return label
    kind = document.type.label
    label = f"{kind} „{document.title}“"
    if chunk.section and chunk.section != document.title:
        label += f", Abschnitt „{chunk.section}“"
    if german_date:
        label += (
            f" vom {german_date}" if document.type is DocumentType.PRESS_RELEASE else f", Stand {german_date}"
        )
    return label


def absatz_list(numbers: tuple[str, ...]) -> str | None:
    """ "1", "1 und 1a", "1, 1a und 2"."""
    if not numbers:
        return None
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} und {numbers[-1]}"


def passage_citation(n: int, passage: Passage) -> Citation:
    """The citation of a passage: for a law, its § with every Absatz shown."""
    if passage.is_legal:
        return make_citation(n, passage.hit, passage.text, absatz_list(passage.numbers))
    return make_citation(n, passage.hit, passage.text)


def make_citation(n: int, hit: Hit, quote: str, absatz: str | None = None) -> Citation:
    if absatz is None and hit.chunk.paragraph:
        absatz = absatz_of(hit.chunk.text, quote, hit.chunk.absaetze)
    return Citation(
        n=n,
        document_id=hit.document.id,
        chunk_id=hit.chunk.id,
        source=hit.document.source,
        title=hit.document.title,
        type=hit.document.type.value,
        date=hit.document.date,
        section=hit.chunk.section,
        paragraph=hit.chunk.paragraph,
        absatz=absatz,
        law=hit.document.law,
        version_state=hit.document.version_state,
        superseded_by=hit.document.superseded_by,
        quote=quote,
        label=citation_label(hit, absatz),
        page=hit.document.page_of(hit.chunk),
    )
