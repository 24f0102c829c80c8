"""ODT, ODS, DOCX, XLSX, RTF, PDF and EML files made in the test: headings become sections, tables
stay whole Markdown tables, and a question about a value in the table finds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings
from tests.ingest.made_files import PFLEGEGELD, docx_file, eml, ods, odt, rtf, text_pdf_bytes, word97, xlsx

SECTIONS = [
    ("Zuständigkeit", ["Der Pflegekinderdienst berät Pflegeeltern in allen Fragen der Vollzeitpflege."]),
    ("Pauschalen", ["Die monatlichen Pauschalen gelten ab dem 1. Januar 2026."]),
]
HEADER_ROW = "| Alter des Kindes | Materielle Aufwendungen | Erziehungsbeitrag | Pflegegeld gesamt |"


def _made(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    pdf = folder / "pauschalen.pdf"
    pdf.write_bytes(
        text_pdf_bytes(["Pauschalen der Vollzeitpflege", "Die Beträge gelten ab Januar."], PFLEGEGELD)
    )
    return {
        "odt": odt(folder / "merkblatt.odt", "Merkblatt Vollzeitpflege (ODT)", SECTIONS, PFLEGEGELD),
        "docx": docx_file(folder / "merkblatt.docx", "Merkblatt Vollzeitpflege (Word)", SECTIONS, PFLEGEGELD),
        "ods": ods(folder / "pauschalen-tabelle.ods", {"Pauschalen 2026": PFLEGEGELD}),
        "xlsx": xlsx(folder / "pauschalen-excel.xlsx", {"Pauschalen 2026": PFLEGEGELD, "Leer": []}),
        "rtf": rtf(folder / "hinweis.rtf", "Hinweis zur Vollzeitpflege", SECTIONS[0][1], PFLEGEGELD[:2]),
        "pdf": pdf,
    }


@pytest.mark.parametrize("kind", ["odt", "docx", "ods", "xlsx", "rtf", "pdf"])
def test_headings_become_sections_tables_stay_whole_and_a_value_question_finds_them(
    settings: Settings, tmp_path: Path, kind: str
) -> None:
    path = _made(tmp_path / "amt")[kind]
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([path, Path("../shared/corpus/press")])
    assert not report.failed, report.failed
    [document] = [index.document(e.id) for e in report.added if e.source.endswith(path.name)]
    assert document is not None
    chunks = index.chunks_of(document.id)
    [table] = [c for c in chunks if HEADER_ROW in c.text]
    if kind in ("odt", "docx"):
        assert document.title.startswith("Merkblatt Vollzeitpflege")
        assert [c.section for c in chunks] == ["Zuständigkeit", "Pauschalen"]
        assert table.text.startswith("Die monatlichen Pauschalen gelten")  # its caption, in the same chunk
    if kind in ("ods", "xlsx"):
        assert table.section == "Pauschalen 2026"
    if kind == "rtf":
        assert "| 0 bis unter 6 Jahre | 687 Euro | 338 Euro | 1.025 Euro |" in table.text
        return
    assert "| 6 bis unter 12 Jahre | 770 Euro | 338 Euro | 1.108 Euro |" in table.text
    hits = index.search("Pflegegeld für ein 10-jähriges Kind", k=3)
    assert hits[0].chunk.id == table.id, [(h.document.source, h.chunk.text[:60]) for h in hits]
    index.close()


def test_email_and_its_attachments_become_documents(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "postfach"
    folder.mkdir()
    attachment = text_pdf_bytes(
        ["Pauschalen der Vollzeitpflege", "Die Beträge gelten ab Januar."], PFLEGEGELD
    )
    eml(
        folder / "rundmail.eml",
        "Neue Pauschalen in der Vollzeitpflege",
        "Guten Tag,\n\nanbei erhalten Sie die neuen Pauschalen für die Vollzeitpflege.\n\nFreundliche Grüße",
        {"pauschalen.pdf": attachment, "kaputt.pdf": b"%PDF-1.4 abgeschnitten", "Thumbs.db": b"\0\1"},
    )
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([folder])
    sources = sorted(entry.source for entry in report.added)
    assert sources == ["postfach/rundmail.eml", "postfach/rundmail.eml#pauschalen.pdf"]
    mail = index.document_by_source("postfach/rundmail.eml")
    assert mail is not None and mail.title == "Neue Pauschalen in der Vollzeitpflege"
    part = index.document_by_source("postfach/rundmail.eml#pauschalen.pdf")
    assert part is not None and part.extra["attachment_of"] == "postfach/rundmail.eml"
    # The broken attachment fails alone, named with its mail; Thumbs.db is no document at all.
    [failure] = report.failed
    assert failure.error.startswith("Datei rundmail.eml › kaputt.pdf: PDF ist")
    again = IngestPipeline(index).add([folder])
    assert {e.source for e in again.unchanged} == {"postfach/rundmail.eml"} and not again.added
    # Removing the mail removes its attachments from every index.
    assert IngestPipeline(index).remove("postfach/rundmail.eml") is not None
    assert index.counts()["documents"] == 0 and index.stats().vector_count == 0
    index.close()


def test_legacy_word_doc_is_read_with_antiword(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "rufbereitschaft.doc"
    path.write_bytes(
        word97(
            [
                "Merkblatt Rufbereitschaft",
                "Die Rufbereitschaft des Jugendamtes ist werktags über die Leitstelle erreichbar.",
                "Außerhalb der Dienstzeiten entscheidet die Fachkraft über eine Inobhutnahme.",
            ]
        )
    )
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([path])
    assert not report.failed, report.failed
    document = index.document(report.added[0].id)
    assert document is not None and document.title == "Merkblatt Rufbereitschaft"
    assert document.extra["format"] == "doc"
    hits = index.search("Wer entscheidet außerhalb der Dienstzeiten über eine Inobhutnahme?", k=1)
    assert hits[0].document.id == document.id and "Außerhalb der Dienstzeiten" in hits[0].chunk.text
    index.close()
