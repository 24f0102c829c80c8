"""OpenDocument text (.odt) and spreadsheets (.ods), read from `content.xml` with lxml.

No odfpy: the format is one XML file in a zip, lxml is already a dependency, and reading it directly
lets the zip go through the same bounded check as DOCX (ingest/archive.py) before anything is parsed.
Headings (text:h with its outline level) become Markdown headings, tables become Markdown tables, each
sheet of a spreadsheet a section with its table.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ingest.archive import check_archive
from ingest.formats.tables import markdown_table
from ingest.limits import IngestLimits, LoadError
from ingest.loaded import LoadedFile

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
}
_TEXT, _TABLE = f"{{{_NS['text']}}}", f"{{{_NS['table']}}}"
# Spreadsheets repeat an empty row or cell "1048576 times" to the sheet's end; repeats are capped.
_MAX_REPEAT = 50


def load_odf(path: Path, limits: IngestLimits) -> LoadedFile:
    kind = path.suffix.lower().lstrip(".").upper()
    check_archive(path, limits, kind)
    root = _content(path, kind)
    body = root.find("office:body", _NS)
    if body is None or len(body) == 0:
        raise LoadError(f"{kind} ist unvollständig: der Dokumentinhalt fehlt")
    blocks: list[str] = []
    if kind == "ODS":
        blocks.append(f"# {path.stem}")
        for sheet in body[0].iter(f"{_TABLE}table"):
            table = markdown_table(_rows(sheet))
            if table:
                blocks += [f"## {sheet.get(f'{_TABLE}name') or 'Tabelle'}", table]
    else:
        _walk(body[0], blocks)
    text = "\n\n".join(blocks)
    limits.check_text(text)
    return LoadedFile(text=text, format=kind.lower())


def _content(path: Path, kind: str) -> Any:
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("content.xml")
    except KeyError as exc:
        raise LoadError(f"{kind} ist unvollständig: content.xml fehlt") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError(f"{kind} ist beschädigt oder kein OpenDocument") from exc
    # No entities, no network: content.xml is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LoadError(f"{kind} ist beschädigt: content.xml ist kein gültiges XML") from exc


def _walk(element: Any, blocks: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{_TEXT}h":
            level = min(int(child.get(f"{_TEXT}outline-level") or 1), 6)
            text = _inline(child)
            if text:
                blocks.append("#" * level + " " + text)
        elif tag == f"{_TEXT}p":
            text = _inline(child)
            if text:
                blocks.append(text)
        elif tag == f"{_TEXT}list":
            for item in child.iter(f"{_TEXT}list-item"):
                text = " ".join(_inline(p) for p in item if p.tag in (f"{_TEXT}p", f"{_TEXT}h"))
                if text.strip():
                    blocks.append("- " + text.strip())
        elif tag == f"{_TABLE}table":
            table = markdown_table(_rows(child))
            if table:
                blocks.append(table)
        elif tag in (f"{_TEXT}section", f"{_TABLE}table-header-rows"):
            _walk(child, blocks)


def _inline(element: Any) -> str:
    """A paragraph's text: spaces (text:s), tabs and line breaks as spaces, notes left out."""
    parts: list[str] = []

    def visit(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag in (f"{_TEXT}s", f"{_TEXT}tab", f"{_TEXT}line-break"):
                parts.append(" ")
            elif child.tag != f"{_TEXT}note":
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return " ".join("".join(parts).split())


def _rows(table: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.iter(f"{_TABLE}table-row"):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            text = " ".join(_inline(p) for p in cell if p.tag == f"{_TEXT}p").strip()
            repeat = int(cell.get(f"{_TABLE}number-columns-repeated") or 1)
            cells.extend([text] * (min(repeat, _MAX_REPEAT) if text else min(repeat, 1)))
        repeat = int(row.get(f"{_TABLE}number-rows-repeated") or 1)
        rows.extend([cells] * (min(repeat, _MAX_REPEAT) if any(cells) else 1))
    return rows
