"""Documents: the source view for everyone, list, upload, remove and re-index for maintainers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CORPUS
from tests.web.conftest import LiveServer, WebClient

UPLOAD = """---
titel: Dienstanweisung Rufbereitschaft im Kinderschutz
datum: 2026-10-01
type: workshop
---

# Dienstanweisung Rufbereitschaft im Kinderschutz

## Erreichbarkeit außerhalb der Dienstzeiten

Die Rufbereitschaft des Allgemeinen Sozialen Dienstes ist werktags von 16 bis 8 Uhr sowie am Wochenende
über die Leitstelle der Feuerwehr erreichbar. Die diensthabende Fachkraft entscheidet gemeinsam mit der
Hintergrundbereitschaft über eine Inobhutnahme nach § 42 SGB VIII.

## Dokumentation

Jeder Einsatz der Rufbereitschaft wird am nächsten Werktag im Fachverfahren dokumentiert.
"""


def _upload(web: WebClient, name: str, content: bytes, doc_type: str = "", *, status: int = 303) -> str:
    """The documents page after the upload: followed after a 303, the response itself after a failure."""
    response = web.http.post(
        "/documents/upload",
        data={"csrf_token": web.csrf, "doc_type": doc_type},
        files={"file": (name, content, "application/octet-stream")},
    )
    assert response.status_code == status, response.text
    if status != 303:
        assert "Dokumente der Wissensbasis" in response.text  # the page itself, with the reason
        return response.text
    return web.get("/documents").text


def test_document_list_shows_type_date_chunks_and_version(as_user: Callable[[str], WebClient]) -> None:
    page = as_user("pflege").get("/documents").text
    assert "Sozialgesetzbuch Achtes Buch" in page and "Gesetz" in page and "29.03.2026" in page
    assert "ersetzt" in page and "aktuell" in page  # 2022 SGB VIII superseded by 2026
    api = as_user("pflege").get("/api/documents").json()["documents"]
    old = next(d for d in api if d["source"] == "laws/2022/sgb8.md")
    assert old["superseded_by"] == "laws-2026-sgb8-md" and old["chunks"] > 100


def test_upload_indexes_the_file_and_search_finds_it(
    live_server: LiveServer, as_user: Callable[[str], WebClient]
) -> None:
    web = as_user("pflege")
    page = _upload(web, "rufbereitschaft.md", UPLOAD.encode())
    assert "rufbereitschaft.md: neu indexiert als uploads-rufbereitschaft-md (Praxismaterial" in page
    assert "uploads/rufbereitschaft.md" in page
    assert (Path(live_server.settings.data_dir) / "uploads" / "rufbereitschaft.md").read_text() == UPLOAD
    hits = web.get("/documents", params={"q": "Rufbereitschaft Leitstelle Feuerwehr"}).text
    assert hits.index("Dienstanweisung Rufbereitschaft") < hits.index("Alle Dokumente")
    again = _upload(web, "rufbereitschaft.md", UPLOAD.encode())
    assert "unverändert" in again
    audit = as_user("leitung").get("/review/audit").text
    assert "Dokument hochgeladen" in audit and "uploads-rufbereitschaft-md" in audit


def test_upload_reports_the_same_errors_as_the_cli(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("pflege")
    assert "Dateityp .exe wird nicht unterstützt" in _upload(web, "tool.exe", b"MZ\x90\x00", status=422)
    assert "Datei ist leer" in _upload(web, "leer.md", b"", status=422)
    press = (CORPUS / "press" / sorted(p.name for p in (CORPUS / "press").iterdir())[0]).read_bytes()
    duplicate = _upload(web, "kopie.txt", press, status=409)
    assert "Duplikat von „" in duplicate and "Duplikat von press-" not in duplicate  # the title, not the id
    assert "gültigen Namen" in _upload(web, "...", b"# Titel\n\nText.", status=422)
    assert "Unbekannter Dokumenttyp" in _upload(web, "typ.md", b"# Titel\n\nText.", "erfunden", status=422)
    assert "uploads/tool.exe" not in web.get("/documents").text
    sneaky = _upload(web, "../../etc/passwd.md", b"# Titel\n\nEin harmloser Absatz mit Text.")
    assert (
        "passwd.md: neu indexiert als uploads-passwd-md" in sneaky
    )  # the path is dropped, only the name kept


def test_upload_size_is_limited(as_user: Callable[[str], WebClient], live_server: LiveServer) -> None:
    web = as_user("pflege")
    too_big = b"x" * (live_server.settings.max_upload_bytes + 100_000)
    response = web.http.post(
        "/documents/upload",
        data={"csrf_token": web.csrf},
        files={"file": ("gross.txt", too_big, "text/plain")},
    )
    assert response.status_code == 413 and "zu groß" in response.text


def test_remove_asks_first_then_removes_from_search(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("pflege")
    _upload(
        web, "entfernen.md", b"# Merkblatt Ferienfreizeit\n\nDie Ferienfreizeit am Biggesee beginnt im Juli."
    )
    confirm = web.get("/documents/uploads-entfernen-md/remove")
    assert "Dokument entfernen?" in confirm.text and "Merkblatt Ferienfreizeit" in confirm.text
    response = web.form("/documents/uploads-entfernen-md/remove")
    assert response.status_code == 303
    page = web.get("/documents").text
    assert "Entfernt: Merkblatt Ferienfreizeit" in page and "uploads/entfernen.md" not in page
    hits = web.get("/documents", params={"q": "Ferienfreizeit Biggesee"}).text
    assert "Merkblatt Ferienfreizeit" not in hits
    assert web.form("/documents/uploads-entfernen-md/remove").status_code == 404


def test_reindex(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("pflege")
    assert web.form("/documents/reindex").status_code == 303
    assert "Neu eingebettet:" in web.get("/documents").text


def test_source_view_highlights_the_cited_chunk(as_user: Callable[[str], WebClient]) -> None:
    web = as_user("fachkraft")
    answer = web.json(
        "/api/chat", {"question": "Was regelt § 8a SGB VIII zum Schutzauftrag?"}, Accept="application/json"
    ).json()
    citation = answer["citations"][0]
    page = web.get(f"/documents/{citation['document_id']}", params={"chunk": citation["chunk_id"]}).text
    assert f'class="chunk chunk-highlight" id="chunk-{citation["chunk_id"]}"' in page
    assert page.count("chunk-highlight") == 1 and "Zitierte Stelle" in page
    assert "Stand" in page and "29.03.2026" in page and "aktuell" in page
    old = web.get("/documents/laws-2022-sgb8-md").text
    assert "Ältere Fassung" in old and 'href="/documents/laws-2026-sgb8-md"' in old
    assert web.get("/documents/gibt-es-nicht").status_code == 404
