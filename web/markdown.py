"""Markdown from documents and answers as safe HTML: the one renderer behind the answer text, the source
cards, the document page and the policy.

Raw HTML is shown as text, never interpreted. Tables are tables; "•"/"◦" bullets (PDF and Word exports)
become list items (web/restore.py first undoes what ingest flattened). Links: only http(s), and only
where `links="external"` (document page, policy), then with rel="noopener noreferrer"; everywhere else a
link is just its text, so that no answer or quoted passage can send the user somewhere. Images are never
loaded: their alt text stands in.

>>> str(render("**Achtung:** siehe <script>", links="inert"))
'<p><strong>Achtung:</strong> siehe &lt;script&gt;</p>\\n'
"""

from __future__ import annotations

import re
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from web.restore import MARK_END as _END
from web.restore import MARK_START as _START
from web.restore import restore_structure

Links = Literal["inert", "external"]

_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
# What may stand at the start of a line before its text: block quote, heading, list item, table pipe.
_LINE_MARKERS = re.compile(r"[ \t]*(?:(?:>|#{1,6}|[-*+•●▪■◦○▫□]|\d{1,9}[.)])(?=[ \t\n]|$)[ \t]*|\|[ \t]*)*")
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_TAG = re.compile(r"(<[^>]*>)")


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.enable("table")
    # Indented text is ordinary text in our documents (PDF extraction), not code; reference definitions
    # would make lines like "[1]: …" vanish.
    parser.disable(["code", "reference", "html_block", "html_inline"])
    # Every link is parsed, so that an unsafe one becomes its plain text instead of raw "[x](…)";
    # `_links_and_images` below decides what stays a link.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    parser.core.ruler.push("jha_links_and_images", _links_and_images)
    parser.core.ruler.push("jha_heading_levels", _heading_levels)
    parser.core.ruler.push("jha_table_alignment", _table_alignment)
    return parser


def _links_and_images(state: StateCore) -> None:
    external = state.env.get("links") == "external"
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        open_links: list[bool] = []  # per open link: kept as a link?
        for token in block.children:
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                keep = external and bool(_SAFE_URL.match(href))
                open_links.append(keep)
                if keep:
                    token.attrs = {"href": href, "rel": "noopener noreferrer", "class": "external"}
                    children.append(token)
            elif token.type == "link_close":
                if open_links.pop() if open_links else False:
                    children.append(token)
            elif token.type == "image":
                alt = Token("text", "", 0)
                alt.content = token.content
                children.append(alt)
            else:
                children.append(token)
        block.children = children


def _heading_levels(state: StateCore) -> None:
    """Headings inside a passage sit below the page's own headings (h1 title, h2 sections)."""
    offset = int(state.env.get("heading_offset", 0))
    if not offset:
        return
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + offset)}"


def _table_alignment(state: StateCore) -> None:
    """Column alignment as a class: the CSP forbids inline style attributes."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrGet("style"):
            align = str(token.attrGet("style")).removeprefix("text-align:")
            token.attrs = {"class": f"align-{align}"}


_PARSER = _make_parser()


def render(text: str, *, links: Links = "inert", heading_offset: int = 0, passage: bool = False) -> Markup:
    """`passage=True` for text from the index, where each line is a paragraph (web/restore.py)."""
    env: dict[str, Any] = {"links": links, "heading_offset": heading_offset}
    return Markup(_PARSER.render(restore_structure(text, lines_are_paragraphs=passage), env))


def render_passage(before: str, quote: str, after: str, *, heading_offset: int = 3) -> Markup:
    """A passage from the index with the quote in <mark>, also where the quote spans paragraphs, list
    items or table cells."""
    clean = [part.replace(_START, "").replace(_END, "") for part in (before, quote, after)]
    if not clean[1]:
        return render(clean[0] + clean[2], heading_offset=heading_offset, passage=True)
    text = restore_structure(_place_markers(*clean), lines_are_paragraphs=True)
    html = _PARSER.render(text, {"links": "inert", "heading_offset": heading_offset})
    return Markup(_mark_between(html))


def _place_markers(before: str, quote: str, after: str) -> str:
    """Put the markers around the quote where they cannot break the Markdown: after a line's list, quote,
    heading or table markers, and never on a table's delimiter row."""
    text = before + quote + after
    start = _content_start(text, len(before), len(before) + len(quote))
    end = _content_end(text, start, len(before) + len(quote))
    if end <= start:
        return text
    return text[:start] + _START + text[start:end] + _END + text[end:]


def _line(text: str, position: int) -> tuple[int, int]:
    begin = text.rfind("\n", 0, position) + 1
    stop = text.find("\n", position)
    return begin, len(text) if stop < 0 else stop


def _markers_end(text: str, begin: int) -> int:
    match = _LINE_MARKERS.match(text, begin)
    return begin if match is None else match.end()


def _content_start(text: str, start: int, end: int) -> int:
    while start < end:
        begin, stop = _line(text, start)
        start = max(start, _markers_end(text, begin))
        while start < stop and text[start] in "| \t":  # a quote from a row starts at its first cell
            start += 1
        if start < stop and not _TABLE_DELIMITER.match(text[begin:stop]):
            return start
        start = stop + 1  # nothing to mark on this line: go on with the next one
    return start


def _content_end(text: str, start: int, end: int) -> int:
    while end > start:
        while end > start and text[end - 1] in " \t\n|":
            end -= 1
        begin, stop = _line(text, max(start, end - 1))
        if end > _markers_end(text, begin) and not _TABLE_DELIMITER.match(text[begin:stop]):
            return end
        end = begin  # only markers (or a delimiter row) left on this line: end on the one before
    return end


def _mark_between(html: str) -> str:
    """Wrap the text between the markers in <mark>, closed and reopened around every tag in between."""
    out: list[str] = []
    inside = False
    for part in _TAG.split(html):
        if part.startswith("<"):
            out.append(part)
            continue
        for piece in re.split(f"([{_START}{_END}])", part):
            if piece == _START:
                inside = True
            elif piece == _END:
                inside = False
            elif inside and piece.strip():
                out.append(f"<mark>{piece}</mark>")
            else:
                out.append(piece)
    return "".join(out)
