"""`ingest add|sync --collection`, `ingest list --collection`, `ingest show`: through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ingest.cli import app
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings

runner = CliRunner()


def _invoke(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout + result.stderr


def _listed(settings: Settings, *args: str) -> dict[str, str]:
    code, output = _invoke(settings, "list", "--json", *args)
    assert code == 0, output
    return {row["id"]: row["collection"] for row in json.loads(output)["documents"]}


def _folder(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / f"{name}.md").write_text(
        f"---\ntitle: {name.title()}\ntype: workshop\n---\n## Teil\n{text}", "utf-8"
    )
    return folder


def test_add_sync_list_and_show_carry_the_collection(settings: Settings, tmp_path: Path) -> None:
    asd = _folder(tmp_path, "hausbesuch", "Hausbesuche im ASD werden zu zweit durchgeführt.")
    general = _folder(tmp_path, "beratung", "Beratung steht allen Familien offen.")
    assert _invoke(settings, "add", str(asd), "--collection", "ASD")[0] == 0
    assert _invoke(settings, "add", str(general))[0] == 0
    every = _listed(settings)
    assert sorted(every.values()) == ["allgemein", "asd"]
    assert list(_listed(settings, "--collection", "asd").values()) == ["asd"]
    [asd_id] = [doc_id for doc_id, collection in every.items() if collection == "asd"]
    code, shown = _invoke(settings, "show", asd_id)
    assert code == 0 and "Sammlung: asd" in shown

    # Unchanged files move with `sync --collection`; their vectors follow without being embedded again.
    code, output = _invoke(settings, "sync", str(general), "--collection", "kita-aufsicht")
    assert code == 0, output
    assert sorted(_listed(settings).values()) == ["asd", "kita-aufsicht"]
    index = KnowledgeIndex.open(settings)
    moved = next(d for d in index.documents() if d.collection == "kita-aufsicht")
    chunk_ids = [c.id for c in index.chunks_of(moved.id)]
    assert {m["collection"] for m in index.stores.vectors.metadata_of(chunk_ids).values()} == {
        "kita-aufsicht"
    }
    index.close()

    # A re-add without --collection keeps where a known document is.
    assert _invoke(settings, "add", str(asd))[0] == 0
    assert sorted(_listed(settings).values()) == ["asd", "kita-aufsicht"]


def test_a_bad_collection_name_is_refused_in_german(settings: Settings, tmp_path: Path) -> None:
    folder = _folder(tmp_path, "notiz", "Eine Notiz.")
    code, output = _invoke(settings, "add", str(folder), "--collection", "ASD Team")
    assert code == 2 and "Ungültiger Sammlungsname" in output
    assert _listed(settings) == {}
