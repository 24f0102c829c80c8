"""Scanned PDFs and images: Texterkennung per page, recorded and shown, found by their content."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.answering.citations import make_citation
from ingest.cli import app
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings
from tests.ingest.made_files import image_pdf, mixed_pdf, scanned_page

runner = CliRunner()

LETTER = [
    "Rundschreiben des Pflegekinderdienstes",
    "",
    "Das Pflegegeld für ein zehnjähriges Kind beträgt",
    "ab dem ersten Januar monatlich 1.025 Euro.",
    "Die Erstattung der Kosten für Klassenfahrten",
    "beantragen Pflegeeltern formlos beim Jugendamt.",
]


def _env(settings: Settings) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}


def test_scanned_pdf_is_read_by_ocr_and_found_by_its_content(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    image_pdf(folder / "rundschreiben.pdf", [LETTER])
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([folder])
    assert not report.failed, report.failed
    [added] = report.added
    document = index.document(added.id)
    assert document is not None
    assert document.extra["ocr_pages"] == [1]
    assert document.extra["ocr_confidence"] > 70
    assert document.pages_note is not None and document.pages_note.startswith("1 Seite, 1 per Texterkennung")

    hits = index.search("Wie hoch ist das Pflegegeld für ein zehnjähriges Kind?", k=3)
    assert hits and hits[0].document.id == added.id
    assert "1.025 Euro" in hits[0].chunk.text
    index.close()


def test_mixed_pdf_reports_which_pages_were_ocrd_and_cites_the_page(
    settings: Settings, tmp_path: Path
) -> None:
    path = mixed_pdf(
        tmp_path / "gemischt.pdf",
        [
            (
                "text",
                ["Merkblatt Kindertagespflege", "Die Anmeldung erfolgt über das Kita-Portal der Stadt."],
            ),
            ("scan", ["Gescannte Anlage", "", "Die Eingewöhnung dauert in der Regel vier Wochen."]),
            ("text", ["Kontakt", "Sprechzeiten des Jugendamtes: montags bis donnerstags."]),
        ],
    )
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([path])
    assert not report.failed, report.failed
    document = index.document(report.added[0].id)
    assert document is not None
    assert document.extra["pages"] == 3
    assert document.extra["ocr_pages"] == [2]
    assert document.pages_note is not None and document.pages_note.startswith("3 Seiten, 1 per Texterkennung")

    hit = next(h for h in index.search("Eingewöhnung vier Wochen", k=5) if h.document.id == document.id)
    assert document.page_of(hit.chunk) == 2
    citation = make_citation(1, hit, "Die Eingewöhnung dauert in der Regel vier Wochen.")
    assert citation.page == 2 and citation.label.endswith(", S. 2")
    index.close()

    env = _env(settings)
    listing = json.loads(runner.invoke(app, ["list", "--json"], env=env).stdout)["documents"]
    assert listing[0]["pages"] == 3 and listing[0]["ocr_pages"] == [2]
    show = runner.invoke(app, ["show", document.id], env=env)
    assert show.exit_code == 0
    assert "Seiten: 3 Seiten, 1 per Texterkennung" in show.stdout
    assert "S. 2" in show.stdout


def test_image_files_are_ocrd(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "bilder"
    folder.mkdir()
    scanned_page(LETTER).save(folder / "brief.png")
    scanned_page(LETTER).save(folder / "brief-kopie.jpg", quality=90)
    first, second = scanned_page(LETTER[:3]), scanned_page(["Zweite Seite", "Die Hilfeplanung beginnt."])
    first.save(folder / "mehrseitig.tif", save_all=True, append_images=[second])
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([folder])
    index.close()
    assert not report.failed, report.failed
    # The JPEG is the same letter as the PNG: a duplicate, named by the title of the first.
    assert {entry.path.rsplit("/", 1)[-1] for entry in report.added} == {
        "brief-kopie.jpg",
        "mehrseitig.tif",
    }
    assert report.duplicates[0].duplicate_title == "Rundschreiben des Pflegekinderdienstes"


def test_pdf_without_any_text_fails_with_a_german_reason(settings: Settings, tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "leer.pdf", [[], []])
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([path])
    assert not report.added and index.counts()["documents"] == 0
    index.close()
    [failure] = report.failed
    assert failure.error.startswith("Datei leer.pdf: PDF enthält keinen lesbaren Text")
    assert "Texterkennung" in failure.error
