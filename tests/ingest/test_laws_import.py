"""`ingest laws import`: gii-norm XML (made in the test from the corpus Markdown) gives the same §/Absatz
chunks as the Markdown of the same law, takes its Stand from the XML and supersedes the older version."""

from __future__ import annotations

import getpass
import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from assistant.log import AnswerLog
from ingest.cli import app
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, Settings, make_settings
from tests.ingest.gii_made import gii_xml, gii_zip

runner = CliRunner()
KKG = "laws/2022/kkg.md"
NEWER = "Zuletzt geändert durch Art. 7 G v. 15.1.2026 I Nr. 12"


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing", **extra}


def _import(settings: Settings, *sources: str, **env: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["laws", "import", *sources, "--json"], env=_env(settings, **env))
    return result.exit_code, json.loads(result.stdout)


def _structure(index: KnowledgeIndex, doc_id: str) -> list[tuple]:
    return [(c.section, c.paragraph, c.absaetze, c.chapter, c.text) for c in index.chunks_of(doc_id)]


def test_xml_import_gives_the_markdown_laws_chunks(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    markdown = corpus / KKG
    zipped = gii_zip(tmp_path / "xml.zip", gii_xml(markdown.read_text("utf-8")))
    code, report = _import(settings, str(zipped))
    assert code == 0, report
    [added] = report["added"]
    assert added["source"] == "gesetze-im-internet/KKG/2021-06-03"

    other = make_settings(data_dir=tmp_path / "markdown", embedder=EmbedderMode.HASHING)
    from_markdown = KnowledgeIndex.open(other)
    [expected] = IngestPipeline(from_markdown).add([markdown]).added
    from_xml = KnowledgeIndex.open(settings)
    law = from_xml.document(added["id"])
    assert law is not None and (law.law, law.type.value, str(law.version_state)) == (
        "KKG",
        "law",
        "2021-06-03",
    )
    assert law.title == "Gesetz zur Kooperation und Information im Kinderschutz"
    chunks = _structure(from_xml, added["id"])
    assert chunks == _structure(from_markdown, expected.id)
    assert [c[1] for c in chunks][:3] == ["§ 1", "§ 2", "§ 3"] and chunks[0][2] == ("1", "2", "3", "4")
    from_xml.close()
    from_markdown.close()


def test_newer_stand_supersedes_and_the_same_stand_is_unchanged(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    text = (corpus / KKG).read_text("utf-8")
    older = gii_zip(tmp_path / "kkg-2021.zip", gii_xml(text))
    (tmp_path / "neu").mkdir()
    newer = gii_zip(
        tmp_path / "neu" / "xml.zip",
        gii_xml(text, stand_comment=NEWER, replace={"Frühe Hilfen": "Frühe Hilfen und Lotsendienste"}),
    )
    assert _import(settings, str(older))[0] == 0
    code, report = _import(settings, str(newer))
    assert code == 0 and [a["source"] for a in report["added"]] == ["gesetze-im-internet/KKG/2026-01-15"]
    listing = {
        d["version_state"]: d
        for d in json.loads(runner.invoke(app, ["list", "--json"], env=_env(settings)).stdout)["documents"]
    }
    assert listing["2021-06-03"]["superseded_by"] == listing["2026-01-15"]["id"]
    assert listing["2026-01-15"]["superseded_by"] is None

    code, report = _import(settings, str(newer))
    assert code == 0 and not report["added"] and len(report["unchanged"]) == 1

    text_out = runner.invoke(app, ["laws", "import", str(older)], env=_env(settings)).stdout
    assert "unverändert" in text_out

    # Each imported Stand is a change in the Prüfprotokoll, with the OS user; unchanged ones are not.
    log = AnswerLog(settings.effective_database_url)
    trail = list(reversed(log.audit_trail(limit=100)))
    log.close()
    assert [(row.action, row.target) for row in trail] == [
        ("document_add", listing["2021-06-03"]["id"]),
        ("document_add", listing["2026-01-15"]["id"]),
    ]
    assert {row.actor for row in trail} == {f"{getpass.getuser()} (Kommandozeile)"}


def test_urls_only_when_downloads_are_allowed(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    data = gii_zip(tmp_path / "xml.zip", gii_xml((corpus / KKG).read_text("utf-8"))).read_bytes()
    with _serving({"/kkg/xml.zip": data}) as base:
        code, report = _import(settings, f"{base}/kkg/xml.zip")
        assert code == 1 and not report["added"]
        assert "Herunterladen ist nicht freigegeben" in report["failed"][0]["error"]

        code, report = _import(settings, f"{base}/kkg/xml.zip", JHA_LAWS_DOWNLOAD_ENABLED="true")
        assert code == 0, report
        assert [a["source"] for a in report["added"]] == ["gesetze-im-internet/KKG/2021-06-03"]

        code, report = _import(settings, f"{base}/fehlt/xml.zip", JHA_LAWS_DOWNLOAD_ENABLED="true")
        assert code == 1 and "Server antwortete mit 404" in report["failed"][0]["error"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 kein zip", "ZIP ist beschädigt"),
        (None, "nicht genau eine XML-Datei"),
        ("<html><body>Fehlerseite</body></html>", "kein Gesetz im Format von gesetze-im-internet.de"),
        ("<dokumente><norm><metadaten>", "XML ist beschädigt oder unvollständig"),
    ],
)
def test_bad_law_files_fail_in_german(
    settings: Settings, tmp_path: Path, content: object, reason: str
) -> None:
    path = tmp_path / "xml.zip"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("liesmich.txt", "kein Gesetz")
            if isinstance(content, str):
                archive.writestr("gesetz.xml", content)
    code, report = _import(settings, str(path))
    assert code == 1 and not report["added"]
    assert (
        report["failed"][0]["error"].startswith("Datei xml.zip: ") and reason in report["failed"][0]["error"]
    )


class _Files(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _serving(files: dict[str, bytes]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 standing in for gesetze-im-internet.de."""
    handler = type("Files", (_Files,), {"files": files})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
