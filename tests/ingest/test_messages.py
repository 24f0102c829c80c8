"""Every failure in German, naming the file and the reason; no English tail of a library's message."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings
from tests.ingest.made_files import docx_file, text_pdf_bytes

# Words of the English messages pypdf, zipfile, lxml, openpyxl, Pillow and the email parser raise.
_ENGLISH = re.compile(
    r"\b(error|stream|unexpected(ly)?|invalid|file|cannot|not|found|failed|truncated|identify|"
    r"is|has|ended|the|of|bad|zip|eof|header|object|expected|exception|traceback)\b",
    re.IGNORECASE,
)


def _broken(folder: Path) -> dict[str, bytes]:
    whole_pdf = text_pdf_bytes(["Ein Rundschreiben des Jugendamtes zur Hilfeplanung."])
    docx = docx_file(folder / "vorlage.docx", "Titel", [("Teil", ["Text."])]).read_bytes()
    (folder / "vorlage.docx").unlink()
    return {
        "abgeschnitten.pdf": whole_pdf[: len(whole_pdf) // 2],
        "kein.pdf": b"%PDF-1.7\n" + b"\x00" * 64,
        "abgeschnitten.docx": docx[: len(docx) // 2],
        "leer.odt": _zip({"mimetype": "application/vnd.oasis.opendocument.text"}),
        "kaputt.odt": _zip({"content.xml": "<office:document-content"}),
        "kaputt.ods": b"PK\x03\x04" + b"\x00" * 40,
        "kaputt.xlsx": _zip({"xl/workbook.xml": "<workbook"}),
        "kein.rtf": b"Nur Text, kein RTF.",
        "kein.doc": b"Nur Text, kein Word-Dokument.",
        "kaputt.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,
        "kaputt.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 30,
        "kaputt.tif": b"II*\x00" + b"\x00" * 30,
        "leer.eml": b"\r\n\r\n",
    }


def _zip(members: dict[str, str]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_broken_files_of_every_format_fail_in_german(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "kaputt"
    folder.mkdir()
    files = _broken(tmp_path)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([folder])
    assert index.counts()["documents"] == 0
    index.close()
    assert not report.added
    messages = {Path(f.path).name: f.error for f in report.failed}
    assert set(messages) == set(files)
    for name, message in messages.items():
        assert message.startswith(f"Datei {name}: "), message
        reason = message.removeprefix(f"Datei {name}: ")
        # Format names (PDF, DOCX, XML, ZIP …) are fine; English words of a library message are not.
        words = _ENGLISH.findall(re.sub(r"\b[A-Z]{2,5}\b", "", reason))
        assert not words, (name, reason)
    assert messages["abgeschnitten.pdf"].endswith(
        "PDF ist unvollständig oder beschädigt (Datei abgeschnitten?)"
    )
