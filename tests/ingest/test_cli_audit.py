"""Every change the ingest CLI makes (add, update, remove, reindex, sync) is in the Prüfprotokoll, with the
operating-system user as actor; a dry run records nothing; without a reachable database nothing changes."""

from __future__ import annotations

import getpass
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from assistant.log import AnswerLog
from assistant.log.records import AuditRecord
from evals.ingest_process import ingest_env
from ingest.cli import app
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings

runner = CliRunner()


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing", **extra}


def _invoke(settings: Settings, *args: str, **env: str) -> int:
    result = runner.invoke(app, list(args), env=_env(settings, **env))
    return result.exit_code


def _trail(settings: Settings) -> list[AuditRecord]:
    log = AnswerLog(settings.effective_database_url)
    try:
        return list(reversed(log.audit_trail(limit=1000)))  # oldest first
    finally:
        log.close()


def test_every_cli_change_is_audited_with_the_os_user(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "akten"
    folder.mkdir()
    shutil.copy(corpus / "press" / "000_aced6ad7e3399f69.txt", folder / "a.txt")
    shutil.copy(corpus / "bylaws" / "Lkr_GP_Satzung_Jugendamt.md", folder / "satzung.md")
    actor = f"{getpass.getuser()} (Kommandozeile)"

    assert _invoke(settings, "add", str(folder), "--dry-run") == 0
    assert _trail(settings) == []  # a dry run changes nothing and records nothing

    assert _invoke(settings, "add", str(folder)) == 0
    with (folder / "a.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n\nNachtrag: Die Beratung findet auch in der Sprechstunde statt.\n")
    assert _invoke(settings, "add", str(folder)) == 0
    assert _invoke(settings, "remove", "akten-satzung-md") == 0
    (folder / "satzung.md").unlink()  # else the sync below would add it again
    assert _invoke(settings, "reindex") == 0
    (folder / "a.txt").rename(folder / "b.txt")
    assert _invoke(settings, "sync", str(folder)) == 0

    trail = _trail(settings)
    assert {row.actor for row in trail} == {actor}
    assert [(row.action, row.target) for row in trail] == [
        ("document_add", "akten-a-txt"),
        ("document_add", "akten-satzung-md"),
        ("document_update", "akten-a-txt"),
        ("document_remove", "akten-satzung-md"),
        ("reindex", None),
        ("document_move", "akten-a-txt"),
        ("sync", "akten"),
    ]
    details = {row.action: row.detail for row in trail}
    assert "Pressemitteilung" in details["document_update"] and "Abschnitte" in details["document_update"]
    assert "verschoben oder umbenannt" in details["document_move"]
    assert details["sync"].startswith("0 neu, 0 aktualisiert, 1 verschoben, 0 entfernt")

    # An unchanged folder is no change: a sync every few minutes does not fill the Prüfprotokoll.
    assert _invoke(settings, "sync", str(folder)) == 0
    assert len(_trail(settings)) == len(trail)


def test_no_change_without_a_reachable_database(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "akten"
    folder.mkdir()
    shutil.copy(corpus / "press" / "001_170159435c02ff57.txt", folder / "a.txt")
    # Catalog and Prüfprotokoll both live in the PostgreSQL of JHA_DATABASE_URL, which is not there.
    env = ingest_env(settings.data_dir, JHA_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/jha")
    for command in (["add", str(folder)], ["sync", str(folder)]):
        result = subprocess.run(
            [sys.executable, "-m", "ingest", *command], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 3, result.stderr
        assert "nicht erreichbar (Host 127.0.0.1:9" in result.stderr and "Traceback" not in result.stderr
    index = KnowledgeIndex.open(settings)  # SQLite beside the index, as before: still empty
    assert index.counts() == {"documents": 0, "chunks": 0}
    index.close()
