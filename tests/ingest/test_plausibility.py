"""Text that is not plausible language is rejected with a reason; every real document still passes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.hostile_files import random_cp1252
from ingest.cli import app
from ingest.limits import LoadError
from ingest.loaders import SUPPORTED_SUFFIXES, load_file
from ingest.plausibility import check_plausible
from knowledge.settings import Settings

PROJECT = Path(__file__).resolve().parents[2]


def _env(settings: Settings) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}


def test_random_bytes_that_decode_as_cp1252_are_rejected(
    settings: Settings, tmp_path: Path, corpus: Path
) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    random_cp1252(folder / "zufall.txt", 20_000, printable=False)
    random_cp1252(folder / "zufall-druckbar.txt", 20_000, printable=True)
    shutil.copy(corpus / "press" / "002_1d0aaaeed19d0961.txt", folder / "echt.txt")

    result = CliRunner().invoke(app, ["add", str(folder), "--json"], env=_env(settings))

    report = json.loads(result.stdout)
    errors = {Path(f["path"]).name: f["error"] for f in report["failed"]}
    assert errors["zufall.txt"].startswith("Datei zufall.txt: Text ist nicht plausibel: 11,")
    assert "% Steuerzeichen (höchstens 1 %)" in errors["zufall.txt"]
    assert errors["zufall-druckbar.txt"].startswith(
        "Datei zufall-druckbar.txt: Text ist nicht plausibel: nur 0,"
    )
    assert "häufige deutsche oder englische Wörter (mindestens 5 %" in errors["zufall-druckbar.txt"]
    assert [Path(a["path"]).name for a in report["added"]] == ["echt.txt"]
    stats = json.loads(CliRunner().invoke(app, ["stats", "--json"], env=_env(settings)).stdout)
    assert stats["documents"] == 1


def _all_real_files(corpus: Path) -> list[Path]:
    roots = [corpus, PROJECT / "knowledge" / "documents"]
    return [
        p
        for root in roots
        for p in sorted(root.rglob("*"))
        if p.suffix.lower() in SUPPORTED_SUFFIXES and p.name.lower() != "readme.md"
    ]


def test_every_real_document_is_plausible(corpus: Path) -> None:
    files = _all_real_files(corpus)
    assert len(files) >= 50
    for path in files:
        check_plausible(load_file(path).text, min_word_share=0.05)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Jugendamt\x00\x01\x02 " * 50, "Steuerzeichen"),
        ("§ 1 " + "4711 0815 12,50 € 33 % " * 40, "Buchstaben"),
        ("Çà ßÿ ÆÑ ðÞ þÕ " * 60, "häufige deutsche oder englische Wörter"),
    ],
)
def test_each_check_names_its_reason(text: str, reason: str) -> None:
    with pytest.raises(LoadError, match=reason):
        check_plausible(text, min_word_share=0.05)


def test_short_texts_and_a_disabled_word_check_pass() -> None:
    check_plausible("Kita-Gebühren Musterstadt", min_word_share=0.05)  # too short to judge words
    check_plausible("Türkçe bilgilendirme broşürü aileler için " * 20, min_word_share=0.0)


def test_a_failed_new_version_leaves_the_indexed_one(
    settings: Settings, tmp_path: Path, corpus: Path
) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    shutil.copy(corpus / "press" / "002_1d0aaaeed19d0961.txt", folder / "meldung.txt")
    runner = CliRunner()
    runner.invoke(app, ["add", str(folder)], env=_env(settings))
    before = json.loads(runner.invoke(app, ["list", "--json"], env=_env(settings)).stdout)
    random_cp1252(folder / "meldung.txt", 20_000, printable=True)  # the file is overwritten with gibberish

    result = runner.invoke(app, ["add", str(folder), "--json"], env=_env(settings))

    assert result.exit_code == 1 and "nicht plausibel" in json.loads(result.stdout)["failed"][0]["error"]
    assert json.loads(runner.invoke(app, ["list", "--json"], env=_env(settings)).stdout) == before
