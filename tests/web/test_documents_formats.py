"""Scans and office files through the documents page: pages and Texterkennung shown, page anchors to
jump to, tables rendered as tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tests.ingest.made_files import PFLEGEGELD, mixed_pdf, xlsx
from tests.web.conftest import WebClient


def _upload(web: WebClient, path: Path) -> None:
    response = web.http.post(
        "/documents/upload",
        data={"csrf_token": web.csrf, "doc_type": ""},
        files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 303, response.text


def test_scanned_pages_are_listed_and_the_document_page_has_page_anchors(
    as_user: Callable[[str], WebClient], tmp_path: Path
) -> None:
    web = as_user("pflege")
    pdf = mixed_pdf(
        tmp_path / "anlage.pdf",
        [
            ("text", ["Merkblatt zur Eingliederungshilfe", "Antraege nimmt das Jugendamt entgegen."]),
            ("scan", ["Gescannte Anlage", "", "Die Teilhabeplanung beginnt mit einem Gespraech."]),
        ],
    )
    _upload(web, pdf)
    listing = web.get("/documents").text
    assert "2 Seiten, 1 per Texterkennung" in listing
    page = web.get("/documents/uploads-anlage-pdf").text
    assert 'id="seite-1"' in page and 'id="seite-2"' in page
    assert re.search(r'id="seite-2">\s*Seite 2', page)
    assert "Teilhabeplanung" in page.split('id="seite-2"', 1)[1]


def test_a_spreadsheet_table_is_rendered_as_a_table(
    as_user: Callable[[str], WebClient], tmp_path: Path
) -> None:
    web = as_user("pflege")
    _upload(web, xlsx(tmp_path / "pflegegeld-2026.xlsx", {"Pauschalen 2026": PFLEGEGELD}))
    page = web.get("/documents/uploads-pflegegeld-2026-xlsx").text
    table = page.split("<table", 1)[1].split("</table>", 1)[0]
    assert "<th>Pflegegeld gesamt</th>" in table and "<td>1.108 Euro</td>" in table
