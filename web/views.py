"""Answers, log entries and citations shaped for the templates (presentation only, no retrieval)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.log import LogEntry
from assistant.policy import AI_DISCLOSURE_TEXT
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
    before: str = ""  # text of the passage around the quote, for "in context"
    quote: str = ""
    after: str = ""

    @property
    def where(self) -> str:
        """ "§ 8a Abs. 1" for legal texts, the section heading otherwise."""
        if self.paragraph:
            return self.paragraph + (f" Abs. {self.absatz}" if self.absatz else "")
        return self.section or ""


@dataclass
class TurnView:
    log_id: str | None
    status: str
    question: str | None
    text: str
    citations: list[CitationView] = field(default_factory=list)
    notices: list[dict[str, str]] = field(default_factory=list)  # shown above the answer
    disclosure: str | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    from_log: bool = False  # rebuilt from the answer log: the question is the stored, redacted one


def turn_from_answer(data: dict[str, Any], question: str | None, index: KnowledgeIndex) -> TurnView:
    """A fresh answer (`Answer.as_json()` or the `done` event of a stream)."""
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
        suggestions=list(data.get("suggestions", [])),
        entities=list(data.get("policy", {}).get("entities", [])),
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


def _citations(raw: list[dict[str, Any]], index: KnowledgeIndex) -> list[CitationView]:
    """Citations with the document's metadata and the quoted passage in its surrounding text.

    Log entries keep only ids and labels, so type, date and version come from the catalog; for a fresh
    answer the catalog supplies the text around the quote.
    """
    chunks = index.catalog.get_chunks([c["chunk_id"] for c in raw if c.get("chunk_id")])
    views = []
    for item in raw:
        document = index.catalog.get_document(item["document_id"])
        chunk = chunks.get(item.get("chunk_id", ""))
        quote = str(item.get("quote") or "")
        before, after = "", ""
        if chunk is not None:
            before, quote, after = _in_context(chunk.text, quote)
        views.append(
            CitationView(
                n=int(item["n"]),
                document_id=item["document_id"],
                chunk_id=item.get("chunk_id", ""),
                label=item.get("label") or item.get("title", ""),
                title=item.get("title") or (document.title if document else ""),
                type=item.get("type") or (document.type.value if document else None),
                date=item.get("date") or (document.date.isoformat() if document and document.date else None),
                section=item.get("section") or (chunk.section if chunk else None),
                paragraph=item.get("paragraph") or (chunk.paragraph if chunk else None),
                absatz=item.get("absatz"),
                law=item.get("law") or (document.law if document else None),
                version_state=item.get("version_state")
                or (document.version_state.isoformat() if document and document.version_state else None),
                # The catalog knows the current state: a version superseded since the answer counts too.
                superseded_by=(document.superseded_by if document else None) or item.get("superseded_by"),
                before=before,
                quote=quote,
                after=after,
            )
        )
    return views


def _in_context(text: str, quote: str) -> tuple[str, str, str]:
    """Split the passage into (before, quote, after), trimmed to a readable window around the quote."""
    position = text.find(quote) if quote else -1
    if position < 0:
        # No verbatim quote (the answer log keeps none; reworded LLM statements): the quote, if any, alone;
        # else the passage's start as context, unmarked, so nothing is shown as quoted that was not.
        if quote:
            return "", quote, ""
        return text[:_EXCERPT_CHARS] + ("…" if len(text) > _EXCERPT_CHARS else ""), "", ""
    before = text[max(0, position - CONTEXT_CHARS) : position]
    after = text[position + len(quote) : position + len(quote) + CONTEXT_CHARS]
    if position > CONTEXT_CHARS:
        before = "…" + before.split(" ", 1)[-1]
    if position + len(quote) + CONTEXT_CHARS < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return before, quote, after
