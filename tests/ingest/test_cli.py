from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from ingest.cli import app
from knowledge.settings import Settings

runner = CliRunner()


def _env(settings: Settings) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}


def _add(settings: Settings, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["add", *args, "--json"], env=_env(settings))
    return result.exit_code, json.loads(result.stdout)


def test_add_corpus_then_formats_reports_duplicates(settings: Settings, corpus: Path) -> None:
    code, report = _add(settings, str(corpus / "press"), str(corpus / "bylaws"))
    assert code == 0
    assert len(report["added"]) == 8

    code, report = _add(settings, str(corpus / "formats"))
    assert code == 0
    assert report["added"] == []
    assert sorted(d["duplicate_of"] for d in report["duplicates"]) == [
        "press-000-aced6ad7e3399f69-txt",
        "press-002-1d0aaaeed19d0961-txt",
        "press-003-4335993b5d872957-txt",
    ]

    titles = {d["duplicate_title"] for d in report["duplicates"]}
    assert len(titles) == 3 and all(title and not title.startswith("press-") for title in titles)
    text = runner.invoke(app, ["add", str(corpus / "formats")], env=_env(settings)).stdout
    assert "Duplikat von „" in text and "Duplikat von press-" not in text
    for title in titles:
        assert title[:30] in " ".join(text.split())

    code, report = _add(settings, str(corpus / "press"))
    assert len(report["unchanged"]) == 5 and not report["added"] and not report["updated"]


def test_changed_file_replaces_its_chunks_and_remove_deletes(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    note = folder / "notiz.md"
    note.write_text(
        "---\ntitle: Notiz\ntype: workshop\n---\n## Teil\nErste Fassung zur Hilfeplanung.", "utf-8"
    )
    _add(settings, str(folder))
    note.write_text(
        "---\ntitle: Notiz\ntype: workshop\n---\n## Teil\nZweite Fassung zur Hilfeplanung.", "utf-8"
    )
    code, report = _add(settings, str(folder))
    assert code == 0
    assert [u["id"] for u in report["updated"]] == ["docs-notiz-md"]

    show = runner.invoke(app, ["show", "docs-notiz-md"], env=_env(settings))
    assert show.exit_code == 0 and "Abschnitte: 1" in show.stdout

    removed = runner.invoke(app, ["remove", "docs-notiz-md"], env=_env(settings))
    assert removed.exit_code == 0
    stats = json.loads(runner.invoke(app, ["stats", "--json"], env=_env(settings)).stdout)
    assert (stats["documents"], stats["chunks"], stats["vectors"], stats["lexical_entries"]) == (0, 0, 0, 0)


def test_bad_file_fails_alone_and_leaves_index_unchanged(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(corpus / "press" / "001_170159435c02ff57.txt", folder / "gut.txt")
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.4 nur Muell")
    code, report = _add(settings, str(folder))
    assert code == 1
    assert [f["path"].endswith("kaputt.pdf") for f in report["failed"]] == [True]
    assert "beschädigt" in report["failed"][0]["error"]
    assert len(report["added"]) == 1

    before = runner.invoke(app, ["stats", "--json"], env=_env(settings)).stdout
    code, report = _add(settings, str(folder / "kaputt.pdf"))
    assert code == 1
    assert runner.invoke(app, ["stats", "--json"], env=_env(settings)).stdout == before


def test_dry_run_writes_nothing(settings: Settings, corpus: Path) -> None:
    result = runner.invoke(app, ["add", str(corpus / "press"), "--dry-run", "--json"], env=_env(settings))
    assert len(json.loads(result.stdout)["added"]) == 5
    stats = json.loads(runner.invoke(app, ["stats", "--json"], env=_env(settings)).stdout)
    assert stats["documents"] == 0


def test_list_shows_versions(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    laws = tmp_path / "laws"
    for year in ("2022", "2026"):
        (laws / year).mkdir(parents=True)
        shutil.copy(corpus / "laws" / year / "sgb8.md", laws / year / "sgb8.md")
    _add(settings, str(laws))
    listing = json.loads(runner.invoke(app, ["list", "--json"], env=_env(settings)).stdout)["documents"]
    by_id = {row["id"]: row for row in listing}
    assert by_id["laws-2022-sgb8-md"]["superseded_by"] == "laws-2026-sgb8-md"
    assert by_id["laws-2026-sgb8-md"]["supersedes"] == "laws-2022-sgb8-md"
    text = runner.invoke(app, ["list"], env=_env(settings)).stdout
    assert "ersetzt durch laws-2026-sgb8-md" in text


def test_unknown_document_is_a_clear_error(settings: Settings) -> None:
    result = runner.invoke(app, ["show", "gibt-es-nicht"], env=_env(settings))
    assert result.exit_code == 4
