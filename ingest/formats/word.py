"""Word documents: .docx (python-docx, with tables in place), legacy .doc (Debian's antiword) and .rtf
(striprtf, one pure-Python file).

For .doc, antiword (about 1 MB, in DEB_RUNTIME) was chosen over LibreOffice headless (several hundred MB
and seconds per start) and catdoc (no table layout); it writes the text of Word 97–2003 files as UTF-8.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ingest.archive import check_archive
from ingest.formats.headings import mark_headings
from ingest.formats.tables import markdown_table
from ingest.limits import IngestLimits, LimitExceeded, LoadError
from ingest.loaded import LoadedFile

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"(?:Heading|Überschrift)\s*(\d)")


def load_docx(path: Path, limits: IngestLimits) -> LoadedFile:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_archive(path, limits, "DOCX")
    try:
        document = docx.Document(str(path))
    except KeyError as exc:
        raise LoadError("DOCX ist unvollständig: das Hauptdokument (word/document.xml) fehlt") from exc
    except (MemoryError, RecursionError):
        raise  # the worker reports the limits itself
    except Exception as exc:  # python-docx, zipfile and lxml errors on malformed packages
        log.debug("python-docx: %r", exc)
        raise LoadError("DOCX ist beschädigt oder kein Word-Dokument") from exc
    blocks: list[str] = []
    size = 0
    # Paragraphs and tables in the order they stand in the document.
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            text = markdown_table([[cell.text for cell in _unique(row.cells)] for row in item.rows])
        elif isinstance(item, Paragraph):
            text = _paragraph(item)
        else:
            continue
        if not text:
            continue
        size += len(text) + 2
        if size > limits.max_text_chars:
            raise limits.text_too_large()
        blocks.append(text)
    return LoadedFile(text="\n\n".join(blocks), format="docx")


def _unique(cells: list[Any]) -> list[Any]:
    """A merged cell is returned once per grid column it spans; it is one cell of the table."""
    seen: list[Any] = []
    for cell in cells:
        if not seen or cell._tc is not seen[-1]._tc:
            seen.append(cell)
    return seen


def _paragraph(paragraph: Any) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    level = _HEADING_STYLE.match(style)
    if level:
        return "#" * int(level.group(1)) + " " + text
    if style == "Title":
        return "# " + text
    return text


def load_doc(path: Path, limits: IngestLimits) -> LoadedFile:
    """Word 97–2003 through antiword; its table rows ("|a|b|") become Markdown tables."""
    program = shutil.which("antiword")
    if program is None:
        raise LoadError("DOC nicht lesbar: antiword ist nicht installiert (Debian-Paket antiword)")
    with path.open("rb") as handle:
        if handle.read(8) != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise LoadError("Datei ist kein Word-97–2003-Dokument (.doc)")
    try:
        result = subprocess.run(
            [program, "-w", "0", "-m", "UTF-8.txt", str(path)],
            capture_output=True,
            timeout=limits.max_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise limits.too_slow() from exc
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").lower()
        log.debug("antiword: %s", stderr)
        if "encrypt" in stderr or "password" in stderr:
            raise LoadError("DOC ist verschlüsselt oder passwortgeschützt")
        if "rtf" in stderr:
            raise LoadError("DOC ist in Wirklichkeit eine RTF-Datei; bitte als .rtf speichern")
        raise LoadError("DOC ist beschädigt oder kein Word-Dokument")
    if len(result.stdout) > 4 * limits.max_text_chars:
        raise limits.text_too_large()
    return LoadedFile(text=_doc_text(result.stdout.decode("utf-8", "replace")), format="doc")


def _doc_text(raw: str) -> str:
    """With `-w 0` antiword writes one line per paragraph and tables as lines "|a |b |"; headings are
    plain lines (antiword drops the styles) and are recognised by `mark_headings`."""
    blocks: list[str] = []
    rows: list[list[str]] = []
    for line in raw.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            rows.append([cell.strip() for cell in stripped.strip("|").split("|")])
            continue
        if rows:
            blocks.append(markdown_table(rows))
            rows = []
        if stripped:
            blocks.append(" ".join(stripped.split()))
    if rows:
        blocks.append(markdown_table(rows))
    return "\n\n".join(mark_headings(blocks))


def load_rtf(path: Path, limits: IngestLimits) -> LoadedFile:
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise LoadError("Datei ist kein RTF-Dokument (die Kennung „{\\rtf“ fehlt)")
    if len(raw) > 8 * limits.max_text_chars:
        raise limits.text_too_large()
    try:
        # RTF escapes every non-ASCII character itself; the bytes are ASCII (cp1252 for stray ones).
        text = rtf_to_text(raw.decode("cp1252", "replace"), errors="replace")
    except LimitExceeded:
        raise
    except Exception as exc:  # striprtf raises plain exceptions on malformed groups
        log.debug("striprtf: %r", exc)
        raise LoadError("RTF ist beschädigt und kann nicht gelesen werden") from exc
    return LoadedFile(text=_rtf_text(text), format="rtf")


def _rtf_text(text: str) -> str:
    """striprtf writes table cells separated by "|" on one line per row; lines become paragraphs, and
    headings (striprtf drops the styles) are recognised by `mark_headings`."""
    blocks: list[str] = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.count("|") >= 1 and stripped.endswith("|"):
            rows.append([cell.strip() for cell in stripped.strip("|").split("|")])
            continue
        if rows:
            blocks.append(markdown_table(rows))
            rows = []
        if stripped:
            blocks.append(stripped)
    if rows:
        blocks.append(markdown_table(rows))
    return "\n\n".join(mark_headings(blocks))
