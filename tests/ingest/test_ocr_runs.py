"""Several pages go to one Tesseract run: each page gets its own text, the same as read alone, and a run
that exceeds its time is repeated page by page, so that a page over the limit is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.formats.ocr import recognise, recognise_all
from ingest.formats.pdf import load_pdf
from ingest.limits import IngestLimits, LimitExceeded, LoadError
from tests.ingest.made_files import image_pdf, scanned_page, text_pdf_bytes

PAGES = [
    ["Erste Seite", "Das Pflegegeld wird monatlich gezahlt."],
    ["Zweite Seite", "Die Hilfeplanung beginnt im Jugendamt."],
    ["Dritte Seite", "Der Kostenbeitrag richtet sich nach dem Einkommen."],
]


def test_pages_of_one_run_are_read_as_each_page_alone() -> None:
    images = [scanned_page(lines) for lines in PAGES]
    together = recognise_all(
        ((number, image) for number, image in enumerate(images, start=1)),
        pages=len(images),
        language="deu",
        seconds=60,
        workers=1,  # all three pages in one run
    )
    assert sorted(together) == [1, 2, 3]
    for number, (image, lines) in enumerate(zip(images, PAGES, strict=True), start=1):
        alone = recognise(image, language="deu", seconds=60, page=number)
        assert together[number] == alone
        assert together[number].text.startswith(lines[0]), together[number].text
        others = [other[1] for other in PAGES if other is not lines]
        assert not any(other in together[number].text for other in others)


def test_a_run_over_its_time_is_repeated_page_by_page_under_the_page_limit() -> None:
    # Pages 5 and 6 of a PDF, with a limit no page can keep (wall-clock margins between a fast and a
    # slow page are not reliable on a shared machine): the run exceeds twice the limit, then its first
    # page, read alone, exceeds the page limit and is named by its number in the file.
    images = [(5, scanned_page(PAGES[0])), (6, scanned_page(PAGES[1]))]
    with pytest.raises(LimitExceeded) as raised:
        recognise_all(iter(images), pages=2, language="deu", seconds=0.01, workers=1)
    assert str(raised.value) == (
        "Texterkennung von Seite 5 dauerte länger als 0,01 Sekunden (Grenze JHA_INGEST_OCR_PAGE_SECONDS)"
    )


def test_a_pdf_with_a_text_layer_needs_no_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text_pdf = tmp_path / "rundschreiben.pdf"
    text_pdf.write_bytes(text_pdf_bytes(["Rundschreiben", "Das Pflegegeld wird monatlich gezahlt."]))
    scan = image_pdf(tmp_path / "scan.pdf", [PAGES[0]])
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    assert "Pflegegeld" in load_pdf(text_pdf, IngestLimits()).text
    with pytest.raises(LoadError, match="Tesseract ist nicht installiert"):
        load_pdf(scan, IngestLimits())
