"""File loaders: each turns one file into plain text (with Markdown-style headings where the format
has structure) and front matter. A file that cannot be read raises `LoadError` with a German reason."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")


class LoadError(Exception):
    """A file could not be turned into text; the message says why, in German."""


@dataclass(frozen=True)
class LoadedFile:
    text: str
    format: str
    front_matter: dict[str, Any] = field(default_factory=dict)
    html_title: str | None = None


def load_file(path: Path) -> LoadedFile:
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise LoadError(
            f"Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt (unterstützt: {supported})"
        )
    if path.stat().st_size == 0:
        raise LoadError("Datei ist leer")
    loaded = loader(path)
    if not loaded.text.strip():
        raise LoadError("Datei enthält keinen lesbaren Text")
    return loaded


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older office exports are often Windows-1252; anything else is reported, not guessed.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise LoadError("Zeichenkodierung nicht erkannt (erwartet UTF-8 oder Windows-1252)") from exc


def _load_txt(path: Path) -> LoadedFile:
    return LoadedFile(text=_read_text(path), format="txt")


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise LoadError(f"YAML-Kopf (Front Matter) ist fehlerhaft: {exc}") from exc
    if not isinstance(data, dict):
        raise LoadError("YAML-Kopf (Front Matter) ist keine Zuordnung von Schlüsseln zu Werten")
    return data, text[match.end() :]


def _load_markdown(path: Path) -> LoadedFile:
    front_matter, body = split_front_matter(_read_text(path))
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


def _load_html(path: Path) -> LoadedFile:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "lxml")
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
    return LoadedFile(text="\n\n".join(blocks), format="html", html_title=title)


def _load_pdf(path: Path) -> LoadedFile:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise LoadError("PDF ist verschlüsselt oder passwortgeschützt")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"PDF ist beschädigt oder nicht lesbar: {exc}") from exc
    text = "\n\n".join(pages)
    if not text.strip():
        raise LoadError(
            "PDF enthält keinen Text (gescanntes Bild? Bitte zuerst eine Texterkennung durchführen)"
        )
    return LoadedFile(text=text, format="pdf")


def _load_docx(path: Path) -> LoadedFile:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"DOCX ist beschädigt oder kein Word-Dokument: {exc}") from exc
    blocks: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = re.match(r"(?:Heading|Überschrift)\s*(\d)", style)
        if level:
            text = "#" * int(level.group(1)) + " " + text
        elif style == "Title":
            text = "# " + text
        blocks.append(text)
    return LoadedFile(text="\n\n".join(blocks), format="docx")


_LOADERS: dict[str, Callable[[Path], LoadedFile]] = {
    ".txt": _load_txt,
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
