"""File loaders: each turns one file into plain text (with Markdown-style headings where the format
has structure) and front matter. A file that cannot be read raises `LoadError` with a German reason
(no English library message: the maintainer reads it); a file over a limit raises `LimitExceeded`.

Loaders run in the parse worker (`ingest.worker`), which enforces the time and memory limits; the
limits a loader can see coming (file size, unpacked size, pages, text size) it enforces itself, early.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ingest.formats.images import load_image
from ingest.formats.mail import load_eml
from ingest.formats.odf import load_odf
from ingest.formats.pdf import load_pdf
from ingest.formats.spreadsheet import load_xlsx
from ingest.formats.word import load_doc, load_docx, load_rtf
from ingest.laws.gii import load_gii
from ingest.limits import IngestLimits, LimitExceeded, LoadError
from ingest.loaded import LoadedFile

__all__ = ["SUPPORTED_SUFFIXES", "LimitExceeded", "LoadError", "LoadedFile", "load_file"]

log = logging.getLogger(__name__)


def load_file(
    path: Path, limits: IngestLimits | None = None, *, loader_name: str | None = None
) -> LoadedFile:
    """`loader_name="gii"` reads a law's gii-norm XML (`ingest laws import`), whatever the file's name."""
    limits = limits or IngestLimits()
    suffix = path.suffix.lower()
    loader = _NAMED_LOADERS[loader_name] if loader_name else _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise LoadError(
            f"Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt (unterstützt: {supported})"
        )
    size = path.stat().st_size
    if size == 0:
        raise LoadError("Datei ist leer")
    if size > limits.max_file_mb * 1_000_000:
        raise limits.file_too_large()
    loaded = loader(path, limits)
    limits.check_text(loaded.text)
    if not loaded.text.strip():
        raise LoadError("Datei enthält keinen lesbaren Text")
    return loaded


def _read_text(path: Path, limits: IngestLimits) -> str:
    raw = path.read_bytes()
    if len(raw) > 4 * limits.max_text_chars:  # even four bytes per character would be too much text
        raise limits.text_too_large()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Windows Editor "Unicode"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError("Zeichenkodierung UTF-16 ist fehlerhaft") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older office exports are often Windows-1252; anything else is reported, not guessed.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise LoadError("Zeichenkodierung nicht erkannt (erwartet UTF-8 oder Windows-1252)") from exc


def _load_txt(path: Path, limits: IngestLimits) -> LoadedFile:
    return LoadedFile(text=_read_text(path, limits), format="txt")


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # The mark counts from the opening "---" line, which is line 1 of the file.
        where = f" in Zeile {mark.line + 2}" if mark is not None else ""
        raise LoadError(f"YAML-Kopf (Front Matter) ist fehlerhaft{where}") from exc
    if not isinstance(data, dict):
        raise LoadError("YAML-Kopf (Front Matter) ist keine Zuordnung von Schlüsseln zu Werten")
    return data, text[match.end() :]


def _load_markdown(path: Path, limits: IngestLimits) -> LoadedFile:
    front_matter, body = split_front_matter(_read_text(path, limits))
    return LoadedFile(text=body, format="md", front_matter=front_matter)


# Page furniture, not content: dropped before the text is extracted.
_HTML_BOILERPLATE = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
)


def _load_html(path: Path, limits: IngestLimits) -> LoadedFile:
    title, blocks = html_blocks(_read_text(path, limits))
    return LoadedFile(text="\n\n".join(blocks), format="html", html_title=title)


def html_blocks(html: str) -> tuple[str | None, list[str]]:
    """The page's title and its text blocks, headings as Markdown; page furniture left out."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup.find_all(_HTML_BOILERPLATE):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[str] = []
    for element in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote", "pre", "td"]):
        if element.find_parent(["p", "li", "td", "blockquote"]):
            continue  # nested block: its text is part of the parent's
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if element.name in {"h1", "h2", "h3", "h4"}:
            text = "#" * int(element.name[1]) + " " + text
        blocks.append(text)
    return title, blocks


_LOADERS: dict[str, Callable[[Path, IngestLimits], LoadedFile]] = {
    ".txt": _load_txt,
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".doc": load_doc,
    ".rtf": load_rtf,
    ".odt": load_odf,
    ".ods": load_odf,
    ".xlsx": load_xlsx,
    ".eml": load_eml,
    ".png": load_image,
    ".jpg": load_image,
    ".jpeg": load_image,
    ".tif": load_image,
    ".tiff": load_image,
}
SUPPORTED_SUFFIXES = tuple(_LOADERS)
# Loaders a command asks for by name: a folder's .zip files are not laws.
_NAMED_LOADERS: dict[str, Callable[[Path, IngestLimits], LoadedFile]] = {"gii": load_gii}
