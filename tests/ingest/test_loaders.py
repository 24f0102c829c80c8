from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import LoadError, load_file


def test_markdown_front_matter_becomes_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Verfahrenslotse\nstand: 2026-03-29\n---\n# Überschrift\nText", encoding="utf-8"
    )
    loaded = load_file(path)
    assert loaded.front_matter["title"] == "Verfahrenslotse"
    assert loaded.text.startswith("# Überschrift")


def test_html_keeps_main_content_only(corpus: Path) -> None:
    loaded = load_file(corpus / "formats" / "003_4335993b5d872957.html")
    assert "Jugendämter in Westfalen-Lippe" in loaded.text
    for boilerplate in ("Startseite", "Kontakt"):
        assert boilerplate not in loaded.text


def test_pdf_and_docx_are_read(corpus: Path) -> None:
    assert "Meldungsdatum: 13.02.2026" in load_file(corpus / "formats" / "000_aced6ad7e3399f69.pdf").text
    assert "Landkreis Northeim" in load_file(corpus / "formats" / "002_1d0aaaeed19d0961.docx").text


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "alt.txt"
    path.write_bytes("Jugendämter in Baden-Württemberg".encode("cp1252"))
    assert load_file(path).text == "Jugendämter in Baden-Württemberg"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("leer.txt", b"", "leer"),
        ("kaputt.pdf", b"%PDF-1.7\nkein echtes pdf", "PDF ist unvollständig oder beschädigt"),
        ("kaputt.docx", b"PK\x03\x04 kein zip", "DOCX ist beschädigt"),
        ("tabelle.xlsx", b"irgendwas", "XLSX ist beschädigt"),
        ("praesentation.pptx", b"irgendwas", "nicht unterstützt"),
        ("nur-leerzeichen.md", b"   \n\n  ", "keinen lesbaren Text"),
    ],
)
def test_bad_files_fail_with_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_file(path)


def test_encrypted_pdf_fails_with_reason(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("geheim")
    path = tmp_path / "geschuetzt.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(LoadError, match="verschlüsselt"):
        load_file(path)


def test_broken_files_get_german_reasons_without_library_text(tmp_path: Path, corpus: Path) -> None:
    pdf = (corpus / "formats" / "000_aced6ad7e3399f69.pdf").read_bytes()
    docx_bytes = (corpus / "formats" / "002_1d0aaaeed19d0961.docx").read_bytes()
    cases = {
        "abgeschnitten.pdf": (
            pdf[: len(pdf) // 2],
            "PDF ist unvollständig oder beschädigt (Datei abgeschnitten?)",
        ),
        "umbenannt.pdf": (b"Hallo, ich bin kein PDF.", "Datei ist kein PDF (die PDF-Kennung „%PDF“ fehlt)"),
        "abgeschnitten.docx": (docx_bytes[: len(docx_bytes) // 2], "DOCX ist beschädigt"),
        "kopf.md": (
            b"---\ntitle: [offen\n---\n# Text\nInhalt",
            "YAML-Kopf (Front Matter) ist fehlerhaft in Zeile",
        ),
    }
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(LoadError) as failure:
            load_file(path)
        message = str(failure.value)
        assert message.startswith(reason), (name, message)
        for english in ("Stream has ended", "EOF marker", "File is not a zip", "while parsing", "expected"):
            assert english not in message, (name, message)


def test_docx_without_main_document_is_named_incomplete(tmp_path: Path, corpus: Path) -> None:
    import zipfile

    source = corpus / "formats" / "002_1d0aaaeed19d0961.docx"
    broken = tmp_path / "ohne-hauptteil.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for member in original.infolist():
            if member.filename != "word/document.xml":
                copy.writestr(member, original.read(member))
    with pytest.raises(LoadError, match="DOCX ist"):
        load_file(broken)


def test_utf16_with_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "editor.txt"
    path.write_bytes("Jugendämter in Baden-Württemberg".encode("utf-16"))
    assert load_file(path).text == "Jugendämter in Baden-Württemberg"
