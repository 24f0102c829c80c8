"""`python -m ingest sync DIR`: after every run (add, change, rename, delete files in between) the catalog,
Chroma and the lexical index hold exactly the folder's documents; a moved file keeps its document and
vectors; unsupported files are skipped, not failed; one run at a time, also after a kill -9."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from evals.ingest_process import ingest_env
from ingest.cli import app
from ingest.run_lock import exclusive_run
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings

runner = CliRunner()
_ADDENDUM = "\n\nNachtrag: Das Jugendamt berät auch telefonisch und in der offenen Sprechstunde.\n"


def _sync(settings: Settings, folder: Path, *args: str) -> tuple[int, dict[str, Any]]:
    env = {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}
    result = runner.invoke(app, ["sync", str(folder), "--json", *args], env=env)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def _stores(settings: Settings) -> dict[str, Any]:
    """The index as a fresh process sees it: sources, and the chunk ids each of the three stores holds."""
    index = KnowledgeIndex.open(settings)
    stores = index.stores  # each store on its own: the test checks that they agree
    try:
        documents = stores.catalog.documents()
        catalog_chunks = set(stores.catalog.all_chunk_ids())
        assert set(stores.vectors.all_ids()) == catalog_chunks, "Chroma weicht vom Katalog ab"
        assert set(stores.lexical.latest().chunk_ids) == catalog_chunks, "lexikalischer Index weicht ab"
        assert not index.lexical_is_stale()
        return {
            "sources": sorted(d.source for d in documents),
            "ids": {d.source: d.id for d in documents},
            "chunks": {d.id: stores.catalog.chunk_ids(d.id) for d in documents},
            "ingested_at": {d.id: d.ingested_at for d in documents},
            "version": index.version,
        }
    finally:
        index.close()


def _run(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ingest", "sync", str(folder), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def _folder_sources(folder: Path, *documents: str) -> list[str]:
    return sorted(f"{folder.name}/{name}" for name in documents)


def test_sync_mirrors_a_folder_through_add_change_rename_delete(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "wissen"
    (folder / "gesetze").mkdir(parents=True)
    press = sorted((corpus / "press").glob("*.txt"))[:3]
    for path in press:
        shutil.copy(path, folder / path.name)
    shutil.copy(corpus / "laws" / "2022" / "kkg.md", folder / "gesetze" / "kkg.md")
    for junk in ("Thumbs.db", "~$Entwurf.docx", "Ablage.lnk", "export.tmp", "desktop.ini"):
        (folder / junk).write_bytes(b"\x00\x01kein Dokument")

    code, report = _sync(settings, folder)
    assert code == 0, report
    assert len(report["added"]) == 4 and not report["failed"]
    assert sorted(Path(s["source"]).name for s in report["skipped"]) == sorted(
        ["Thumbs.db", "~$Entwurf.docx", "Ablage.lnk", "export.tmp", "desktop.ini"]
    )
    documents = [p.name for p in press] + ["gesetze/kkg.md"]
    assert _stores(settings)["sources"] == _folder_sources(folder, *documents)

    # Unchanged: every file is recognised by its hash, the index is not written.
    before = _stores(settings)
    code, report = _sync(settings, folder)
    assert code == 0 and len(report["unchanged"]) == 4 and report["files_read"] == 0
    assert not (report["added"] or report["updated"] or report["moved"] or report["removed"])
    assert _stores(settings)["version"] == before["version"]

    # Change one, rename one, move one into a sub-folder, delete one, add one, re-save one unchanged.
    changed, renamed, deleted = press
    with (folder / changed.name).open("a", encoding="utf-8") as handle:
        handle.write(_ADDENDUM)
    (folder / renamed.name).rename(folder / "umbenannt.txt")
    (folder / "archiv").mkdir()
    (folder / "gesetze" / "kkg.md").rename(folder / "archiv" / "kkg.md")
    (folder / deleted.name).unlink()
    shutil.copy(corpus / "laws" / "2022" / "uvg.md", folder / "gesetze" / "uvg.md")

    code, report = _sync(settings, folder)
    assert code == 0, report
    assert [Path(e["source"]).name for e in report["updated"]] == [changed.name]
    assert sorted(e["source"] for e in report["moved"]) == _folder_sources(
        folder, "umbenannt.txt", "archiv/kkg.md"
    )
    assert [e["source"] for e in report["removed"]] == _folder_sources(folder, deleted.name)
    assert [e["source"] for e in report["added"]] == _folder_sources(folder, "gesetze/uvg.md")
    after = _stores(settings)
    assert after["sources"] == _folder_sources(
        folder, changed.name, "umbenannt.txt", "archiv/kkg.md", "gesetze/uvg.md"
    )
    # Moved documents keep id, chunks and ingest time: re-pointed, not re-embedded.
    for old, new in (
        (f"wissen/{renamed.name}", "wissen/umbenannt.txt"),
        ("wissen/gesetze/kkg.md", "wissen/archiv/kkg.md"),
    ):
        document_id = before["ids"][old]
        assert after["ids"][new] == document_id
        assert after["chunks"][document_id] == before["chunks"][document_id]
        assert after["ingested_at"][document_id] == before["ingested_at"][document_id]
    index = KnowledgeIndex.open(settings)
    hits = index.search("Jugendamt berät telefonisch offene Sprechstunde", k=3)
    assert hits and hits[0].document.source == f"wissen/{changed.name}"
    assert all(hit.document.source != f"wissen/{deleted.name}" for hit in index.search("Kooperation", k=20))
    index.close()

    _new_file_at_old_path_and_resaved_file(settings, folder, corpus, before["ids"]["wissen/gesetze/kkg.md"])


def _new_file_at_old_path_and_resaved_file(
    settings: Settings, folder: Path, corpus: Path, moved_id: str
) -> None:
    # A new file at a moved document's old path is a new document with an id of its own.
    shutil.copy(corpus / "laws" / "2022" / "juschg.md", folder / "gesetze" / "kkg.md")
    code, report = _sync(settings, folder)
    assert code == 0 and [e["source"] for e in report["added"]] == ["wissen/gesetze/kkg.md"]
    final = _stores(settings)
    assert final["ids"]["wissen/archiv/kkg.md"] == moved_id
    assert final["ids"]["wissen/gesetze/kkg.md"] != final["ids"]["wissen/archiv/kkg.md"]

    # A re-saved file (other bytes, same text) stays unchanged and is not read again on the next run.
    (folder / "umbenannt.txt").write_text(
        (folder / "umbenannt.txt").read_text(encoding="utf-8") + "\n\n", encoding="utf-8"
    )
    code, report = _sync(settings, folder)
    assert code == 0 and not report["updated"] and len(report["unchanged"]) == 5
    assert report["files_read"] == 1
    code, report = _sync(settings, folder)
    assert report["files_read"] == 0 and len(report["unchanged"]) == 5
    assert _stores(settings)["version"] == final["version"] + 1  # only the new file hash was recorded


def test_dry_run_reports_and_changes_nothing(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ablage"
    folder.mkdir()
    press = sorted((corpus / "press").glob("*.txt"))[:2]
    for path in press:
        shutil.copy(path, folder / path.name)
    assert _sync(settings, folder)[0] == 0
    before = _stores(settings)
    (folder / press[0].name).rename(folder / "neu.txt")
    (folder / press[1].name).unlink()
    shutil.copy(corpus / "bylaws" / "Lkr_GP_Satzung_Jugendamt.md", folder / "satzung.md")

    code, report = _sync(settings, folder, "--dry-run")
    assert code == 0 and report["dry_run"]
    assert [e["source"] for e in report["moved"]] == ["ablage/neu.txt"]
    assert [e["source"] for e in report["removed"]] == [f"ablage/{press[1].name}"]
    assert [e["source"] for e in report["added"]] == ["ablage/satzung.md"]
    assert _stores(settings) == before


def test_empty_or_missing_folder_removes_nothing_unless_asked(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "freigabe"
    folder.mkdir()
    shutil.copy(corpus / "press" / "000_aced6ad7e3399f69.txt", folder / "a.txt")
    assert _sync(settings, folder)[0] == 0
    (folder / "a.txt").unlink()
    (folder / "Thumbs.db").write_bytes(b"x")  # an unmounted share may still hold such leftovers

    result = runner.invoke(
        app, ["sync", str(folder)], env={"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}
    )
    assert result.exit_code == 2
    assert "eingehängt" in result.stderr and "--allow-empty" in result.stderr
    assert _stores(settings)["sources"] == ["freigabe/a.txt"]

    missing = runner.invoke(
        app, ["sync", str(tmp_path / "gibt-es-nicht")], env={"JHA_DATA_DIR": str(settings.data_dir)}
    )
    assert missing.exit_code == 2 and "nicht gefunden" in missing.stderr

    code, report = _sync(settings, folder, "--allow-empty")
    assert code == 0 and len(report["removed"]) == 1
    assert _stores(settings)["sources"] == []


def test_only_files_that_should_have_worked_fail(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "gemischt"
    folder.mkdir()
    shutil.copy(corpus / "press" / "001_170159435c02ff57.txt", folder / "gut.txt")
    (folder / "Thumbs.db").write_bytes(b"\x00" * 64)
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.4 nur Muell")
    code, report = _sync(settings, folder)
    assert code == 1
    assert [Path(e["path"]).name for e in report["failed"]] == ["kaputt.pdf"]
    assert "kaputt.pdf" in report["failed"][0]["error"]
    assert [Path(e["path"]).name for e in report["skipped"]] == ["Thumbs.db"]
    assert report["summary"].startswith("Abgleich gemischt: 1 neu")

    (folder / "kaputt.pdf").unlink()
    code, report = _sync(settings, folder)
    assert code == 0 and len(report["unchanged"]) == 1 and len(report["skipped"]) == 1


def test_summary_line_for_people(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ordner"
    folder.mkdir()
    shutil.copy(corpus / "press" / "002_1d0aaaeed19d0961.txt", folder / "a.txt")
    env = {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}
    result = runner.invoke(app, ["sync", str(folder)], env=env)
    assert result.exit_code == 0
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Abgleich ordner: 1 neu, 0 aktualisiert, 0 verschoben, 0 entfernt, 0 unverändert")


def test_one_run_at_a_time_and_a_killed_run_does_not_block(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "wissen"
    folder.mkdir()
    for path in sorted((corpus / "press").glob("*.txt"))[:3]:
        shutil.copy(path, folder / path.name)
    lock = settings.index_dir / "sync.lock"
    env = ingest_env(settings.data_dir)

    with exclusive_run(lock):  # another run holds the lock (here: this test process)
        busy = _run(folder, env)
    assert busy.returncode == 5
    assert "Ein anderer Abgleich läuft bereits" in busy.stderr and "ohne Änderungen" in busy.stderr
    assert not (settings.index_dir / "catalog.sqlite3").exists()  # it stopped before opening the catalog

    # A real run, paused after its first document and killed there with kill -9.
    paused = subprocess.Popen(
        [sys.executable, "-m", "ingest", "sync", str(folder)],
        env={**env, "JHA_TEST_PAUSE_AT": "document_done"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker = settings.data_dir / "paused-at-document_done"
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert paused.poll() is None and time.monotonic() < deadline, "der Abgleich hielt nicht an"
        time.sleep(0.1)
    second = _run(folder, env)
    assert second.returncode == 5 and "läuft bereits (Prozess " in second.stderr
    paused.send_signal(signal.SIGKILL)
    paused.wait(timeout=30)

    third = _run(folder, env, "--json")
    assert third.returncode == 0, third.stderr
    report = json.loads(third.stdout)
    assert len(report["added"]) + len(report["unchanged"]) == 3
    assert _stores(settings)["sources"] == sorted(f"wissen/{p.name}" for p in folder.iterdir())


# What opening the index costs (numpy, scikit-learn, Chroma, LangChain; 1.2 of 1.9 CPU seconds of
# importing `ingest sync`), and what reading files costs (the parsers).
_INDEX_AND_PARSER_MODULES = ("knowledge.index", "numpy", "sklearn", "chromadb", "langchain", "pypdf", "PIL")
_MODULES_LOADED = """
import runpy, sys
sys.argv = ["ingest", "sync", sys.argv[1], "--json"]
try:
    runpy.run_module("ingest", run_name="__main__")
except SystemExit as exit:
    code = exit.code
print(code, " ".join(sorted(m for m in sys.modules if m.startswith({modules!r}))), file=sys.stderr)
"""


def test_an_unchanged_sync_imports_neither_the_index_nor_a_parser(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    """A timer runs `sync` every few minutes on a folder that rarely changed: a fresh process that finds
    nothing to do compares hashes with the catalog and imports nothing else."""
    folder = tmp_path / "wissen"
    folder.mkdir()
    shutil.copy(corpus / "press" / "002_1d0aaaeed19d0961.txt", folder / "a.txt")
    assert _sync(settings, folder)[0] == 0
    env = ingest_env(settings.data_dir)
    script = _MODULES_LOADED.format(modules=_INDEX_AND_PARSER_MODULES)
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout)["unchanged"][0]["source"] == "wissen/a.txt"
    assert done.stderr.strip().splitlines()[-1] == "0", done.stderr
