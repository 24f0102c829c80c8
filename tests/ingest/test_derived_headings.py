""".doc and .rtf lose their heading styles on the way to text: headings are found from the lines
(numbered, "§ 3 …", a short line above a paragraph), so that their chunks name a section."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.formats.headings import mark_headings
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings
from tests.ingest.made_files import rtf, word97

TITLE = "Dienstanweisung Kinderschutz"
PARAGRAPHS = [
    "1. Ziel",
    "Die Dienstanweisung regelt das Vorgehen des Allgemeinen Sozialen Dienstes bei gewichtigen "
    "Anhaltspunkten für eine Gefährdung des Kindeswohls.",
    "2. Verfahren",
    "2.1 Meldung",
    "Jede Meldung wird am selben Tag im Vier-Augen-Prinzip bewertet und mit Uhrzeit dokumentiert.",
    "Rufbereitschaft",
    "Außerhalb der Dienstzeiten ist die Rufbereitschaft über die Leitstelle der Feuerwehr erreichbar.",
]


def _made(tmp_path: Path, kind: str) -> Path:
    if kind == "rtf":
        return rtf(tmp_path / "dienstanweisung.rtf", TITLE, PARAGRAPHS)
    path = tmp_path / "dienstanweisung.doc"
    path.write_bytes(word97([TITLE, *PARAGRAPHS]))
    return path


@pytest.mark.parametrize("kind", ["doc", "rtf"])
def test_headings_of_doc_and_rtf_become_the_sections_of_their_chunks(
    settings: Settings, tmp_path: Path, kind: str
) -> None:
    index = KnowledgeIndex.open(settings)
    report = IngestPipeline(index).add([_made(tmp_path, kind)])
    assert not report.failed, report.failed
    document = index.document(report.added[0].id)
    assert document is not None and document.title == TITLE
    by_text = {chunk.text.split()[0]: chunk.section for chunk in index.chunks_of(document.id)}
    assert by_text == {
        "Die": "1. Ziel",
        "Jede": "2.1 Meldung",
        "Außerhalb": "Rufbereitschaft",
    }
    hits = index.search("Wer ist außerhalb der Dienstzeiten erreichbar?", k=1)
    assert hits[0].chunk.section == "Rufbereitschaft"
    index.close()


def test_sentences_dates_and_lists_of_short_lines_stay_text() -> None:
    body = "Die Hilfe wird gewährt, wenn eine dem Wohl des Kindes entsprechende Erziehung fehlt."
    blocks = [
        "Merkblatt",
        body,
        "Berlin, 12. März 2026",  # a date line ends without a full stop, but is no chapter 12
        "12. März 2026",
        "Die Fachkraft prüft die Meldung.",
        "Musterstraße 1",  # an address: short lines above short lines
        "12345 Musterstadt",
        "§ 8a Schutzauftrag bei Kindeswohlgefährdung",
        body,
    ]
    assert mark_headings(blocks) == [
        "# Merkblatt",
        body,
        "Berlin, 12. März 2026",
        "12. März 2026",
        "Die Fachkraft prüft die Meldung.",
        "Musterstraße 1",
        "12345 Musterstadt",
        "## § 8a Schutzauftrag bei Kindeswohlgefährdung",
        body,
    ]
