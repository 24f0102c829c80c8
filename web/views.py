"""Answers, log entries and citations shaped for the templates (presentation only, no retrieval)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.log import LogEntry
from assistant.policy import AI_DISCLOSURE_TEXT
from assistant.schemas import CitationRecord, SuggestionRecord
from knowledge.index import KnowledgeIndex

CONTEXT_CHARS = 160
_EXCERPT_CHARS = 360


@dataclass
class CitationView:
    n: int
    document_id: str
    chunk_id: str
    label: str
    title: str
    type: str | None
    date: str | None
    section: str | None
    paragraph: str | None
    absatz: str | None
    law: str | None
    version_state: str | None
    superseded_by: str | None
    page: int | None = None  # PDF and scans: the page the passage starts on
    before: str = ""  # text of the passage around the quote, for "in context"
    quote: str = ""
    after: str = ""

    @property
    def where(self) -> str:
        """ "§ 8a Abs. 1" for legal texts, the section heading otherwise; "S. 4" where there are pages."""
        if self.paragraph:
            where = self.paragraph + (f" Abs. {self.absatz}" if self.absatz else "")
        else:
            where = self.section or ""
        if self.page:
            where = f"{where}, S. {self.page}" if where else f"S. {self.page}"
        return where


@dataclass
class TurnView:
    log_id: str | None
    status: str
    question: str | None
    text: str
    citations: list[CitationView] = field(default_factory=list)
    notices: list[dict[str, str]] = field(default_factory=list)  # shown above the answer
    disclosure: str | None = None
    suggestions: list[SuggestionRecord] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    from_log: bool = False  # rebuilt from the answer log: the question is the stored, redacted one
    number: int | None = None  # position in the conversation: names its sources landmark uniquely


def turn_from_answer(
    data: dict[str, Any], question: str | None, index: KnowledgeIndex, *, number: int | None = None
) -> TurnView:
    """A fresh answer (`Answer.as_json()`, the `done` event of a stream, or a turn of the history)."""
    notices = [n for n in data.get("notices", []) if n["kind"] != "ai_disclosure"]
    if data["status"] == "refused":
        # The refusal text is the answer itself; repeating it as a notice would say it twice.
        notices = [n for n in notices if n["text"] != data["answer"]]
    disclosure = next((n["text"] for n in data.get("notices", []) if n["kind"] == "ai_disclosure"), None)
    return TurnView(
        log_id=data.get("log_id"),
        status=data["status"],
        # The assistant's copy of the question has any case data replaced by placeholders.
        question=data.get("question") or question,
        text=data["answer"],
        citations=_citations(data.get("citations", []), index),
        notices=notices,
        disclosure=disclosure,
        suggestions=[
            suggestion
            for suggestion in map(SuggestionRecord.model_validate, data.get("suggestions", []))
            if not index.hides(suggestion.document_id)
        ],
        entities=list(data.get("policy", {}).get("entities", [])),
        number=number,
    )


def turn_from_log(entry: LogEntry, index: KnowledgeIndex) -> TurnView:
    """An earlier turn of the conversation, as the answer log keeps it."""
    return TurnView(
        log_id=entry.id,
        status=entry.status.value,
        question=entry.question,
        text=entry.answer,
        citations=_citations(entry.citations, index),
        entities=entry.entities,
        # Every answer was labelled when it was given (policy rule 5); the log does not repeat the text.
        disclosure=AI_DISCLOSURE_TEXT,
        from_log=True,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _citations(raw: list[dict[str, Any]], index: KnowledgeIndex) -> list[CitationView]:
    """Citations with the document's metadata and the quoted passage in its surrounding text.

    Log entries keep only ids and labels, so type, date and version come from the catalog; for a fresh
    answer the catalog supplies the text around the quote.
    """
    records = [CitationRecord.model_validate(item) for item in raw]
    chunks = index.chunks([c.chunk_id for c in records if c.chunk_id])
    views = []
    for item in records:
        if index.hides(item.document_id):
            continue  # a stored answer whose source the reader may no longer read (collections)
        document = index.document(item.document_id)
        chunk = chunks.get(item.chunk_id)
        quote = item.quote
        before, after = "", ""
        if chunk is not None:
            before, quote, after = _in_context(chunk.text, quote)
        views.append(
            CitationView(
                n=item.n,
                document_id=item.document_id,
                chunk_id=item.chunk_id,
                label=item.label or item.title,
                title=item.title or (document.title if document else ""),
                type=item.type or (document.type.value if document else None),
                date=_iso(item.date or (document.date if document else None)),
                section=item.section or (chunk.section if chunk else None),
                paragraph=item.paragraph or (chunk.paragraph if chunk else None),
                absatz=item.absatz,
                law=item.law or (document.law if document else None),
                version_state=_iso(item.version_state or (document.version_state if document else None)),
                # The catalog knows the current state: a version superseded since the answer counts too.
                superseded_by=(document.superseded_by if document else None) or item.superseded_by,
                page=item.page or (document.page_of(chunk) if document and chunk else None),
                before=before,
                quote=quote,
                after=after,
            )
        )
    return views


def _in_context(text: str, quote: str) -> tuple[str, str, str]:
    """Split the passage into (before, quote, after), trimmed to a readable window around the quote.

    The window ends at line boundaries, so the Markdown around the quote stays whole (a table is shown
    whole, a list item with its marker); only a very long line is cut, at a sentence, with "…".
    """
    position = text.find(quote) if quote else -1
    if position < 0 and quote.split():
        # Quotes come with their whitespace evened out; the passage keeps its line breaks (paragraphs).
        found = re.search(r"\s+".join(map(re.escape, quote.split())), text)
        if found:
            position, quote = found.start(), found.group()
    if position < 0:
        # No verbatim quote (the answer log keeps none; reworded LLM statements): the quote, if any, alone;
        # else the passage's start as context, unmarked, so nothing is shown as quoted that was not.
        if quote:
            return "", quote, ""
        return _after(text, 0, _window_end(text, 0, _EXCERPT_CHARS)), "", ""
    end = position + len(quote)
    begin = _window_start(text, position)
    before = text[begin:position]
    if begin > 0 and text[begin - 1] != "\n":
        before = "… " + before  # the window cuts into a long line
    return before, quote, _after(text, end, _window_end(text, end))


def _after(text: str, end: int, stop: int) -> str:
    return text[end:stop] + (" …" if stop < len(text) and text[stop] != "\n" else "")


def _window_start(text: str, position: int, reach: int = CONTEXT_CHARS) -> int:
    target = max(0, position - reach)
    begin = text.rfind("\n", 0, target) + 1
    while text.startswith("|", begin) and begin > 0:  # inside a table: from its header row
        previous = text.rfind("\n", 0, begin - 1) + 1
        if not text.startswith("|", previous):
            break
        begin = previous
    if position - begin <= 2 * reach or text.startswith("|", begin):
        return begin
    # A long line (a paragraph in one line): from the sentence that starts before the target.
    cut = max(text.rfind(". ", begin, target), text.rfind("; ", begin, target))
    return begin if cut < 0 else cut + 2


def _window_end(text: str, end: int, reach: int = CONTEXT_CHARS) -> int:
    target = min(len(text), end + reach)
    stop = text.find("\n", target)
    stop = len(text) if stop < 0 else stop
    while text.startswith("|", text.rfind("\n", 0, stop) + 1) and stop < len(text):  # the rest of a table
        following = text.find("\n", stop + 1)
        if not text.startswith("|", stop + 1):
            break
        stop = len(text) if following < 0 else following
    if stop - end <= 2 * reach:
        return stop
    cut = text.find(". ", target, stop)
    return stop if cut < 0 else cut + 1
