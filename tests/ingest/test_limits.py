"""Bounded ingest: hostile files fail alone, fast, within bounded memory, with a German message."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from evals.hostile_files import big_text, docx_bomb, long_pdf, simple_docx
from evals.ingest_process import ingest_env, run_measured
from ingest.archive import check_archive
from ingest.limits import IngestLimits, LimitExceeded, LoadError

GIB = 1024


def test_hostile_files_fail_alone_within_one_gib(tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    docx_bomb(folder / "bombe.docx", 2_500_000_000)  # the size of the bomb in the attack run
    docx_bomb(folder / "verdichtet.docx", 150_000_000, with_crc=True)  # under 200 MB, but 300-fold
    long_pdf(folder / "seiten.pdf", 2000)
    big_text(folder / "gross.txt", corpus, 25)
    shutil.copy(corpus / "press" / "001_170159435c02ff57.txt", folder / "gut.txt")
    simple_docx(
        folder / "gut.docx",
        ["Die Fachkräfte beraten Eltern in Fragen der Erziehung und vermitteln weitere Hilfen."],
        "Beratung im Jugendamt",
    )

    result = run_measured(["add", str(folder), "--json"], ingest_env(tmp_path / "var"))

    assert result.returncode == 1, result.stderr
    report = result.json()
    errors = {Path(f["path"]).name: f["error"] for f in report["failed"]}
    expected = {
        "bombe.docx": r"Datei bombe\.docx: entpackt größer als 200 MB \(Grenze JHA_INGEST_MAX_UNPACKED_MB\)",
        "verdichtet.docx": r"Datei verdichtet\.docx: Eintrag word/document\.xml ist \d+-fach komprimiert, "
        r"vermutlich eine Zip-Bombe \(Grenze JHA_INGEST_MAX_ZIP_RATIO\)",
        "seiten.pdf": r"Datei seiten\.pdf: mehr als 1000 Seiten \(Grenze JHA_INGEST_MAX_PAGES\)",
        "gross.txt": r"Datei gross\.txt: extrahierter Text größer als 5 MB \(Grenze JHA_INGEST_MAX_TEXT_MB\)",
    }
    assert sorted(errors) == sorted(expected)
    for name, pattern in expected.items():
        assert re.fullmatch(pattern, errors[name]), errors[name]
    assert {f.get("limit") for f in report["failed"]} == {
        "JHA_INGEST_MAX_UNPACKED_MB",
        "JHA_INGEST_MAX_ZIP_RATIO",
        "JHA_INGEST_MAX_PAGES",
        "JHA_INGEST_MAX_TEXT_MB",
    }
    assert sorted(Path(a["path"]).name for a in report["added"]) == ["gut.docx", "gut.txt"]
    assert result.peak_rss_mb < GIB, f"Spitzenspeicher {result.peak_rss_mb:.0f} MB"
    print(f"\nfeindliche Dateien: {result.seconds:.1f} s, Spitzenspeicher {result.peak_rss_mb:.0f} MB")


def test_time_limit_kills_a_slow_parse_and_the_next_file_is_read(tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    long_pdf(folder / "a-langsam.pdf", 2000)  # extracting 2,000 pages takes seconds
    shutil.copy(corpus / "press" / "001_170159435c02ff57.txt", folder / "b-gut.txt")
    env = ingest_env(tmp_path / "var", JHA_INGEST_MAX_SECONDS="0.3", JHA_INGEST_MAX_PAGES="5000")

    result = run_measured(["add", str(folder), "--json"], env)

    report = result.json()
    assert [f["error"] for f in report["failed"]] == [
        "Datei a-langsam.pdf: Lesen dauerte länger als 0,3 Sekunden (Grenze JHA_INGEST_MAX_SECONDS)"
    ]
    assert [Path(a["path"]).name for a in report["added"]] == ["b-gut.txt"]


def test_memory_limit_stops_a_parse_that_needs_too_much(tmp_path: Path) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    # 150 MB of XML: python-docx needs about four times that; the ratio and size limits are lifted.
    docx_bomb(folder / "gross.docx", 150_000_000, with_crc=True)
    env = ingest_env(
        tmp_path / "var",
        JHA_INGEST_MAX_ZIP_RATIO="100000",
        JHA_INGEST_MAX_UNPACKED_MB="1000",
        JHA_INGEST_MAX_MEMORY_MB="512",
    )

    result = run_measured(["add", str(folder), "--json"], env)

    assert [f["error"] for f in result.json()["failed"]] == [
        "Datei gross.docx: Lesen braucht mehr als 512 MB Arbeitsspeicher (Grenze JHA_INGEST_MAX_MEMORY_MB)"
    ]
    assert result.peak_rss_mb < 600


def test_archive_check_reads_headers_first_and_counts_while_reading(tmp_path: Path) -> None:
    limits = IngestLimits()
    with pytest.raises(LimitExceeded, match="entpackt größer als 200 MB"):
        check_archive(docx_bomb(tmp_path / "bombe.docx", 2_500_000_000), limits, "DOCX")
    # Headers that understate the size: zipfile stops at the declared size, and the checksum fails.
    with pytest.raises(LoadError, match="DOCX ist beschädigt"):
        check_archive(
            docx_bomb(tmp_path / "luegt.docx", 300_000_000, declared_bytes=1_000_000), limits, "DOCX"
        )
    # The real size is counted while decompressing, whatever the headers say.
    honest = docx_bomb(tmp_path / "ehrlich.docx", 30_000_000, with_crc=True)
    with pytest.raises(LimitExceeded, match="entpackt größer als 20 MB"):
        check_archive(honest, IngestLimits(max_unpacked_mb=20, max_zip_ratio=1e9), "DOCX")
    check_archive(honest, IngestLimits(max_zip_ratio=1e9), "DOCX")


def test_real_office_files_pass_the_archive_check(corpus: Path, tmp_path: Path) -> None:
    for path in sorted((corpus / "formats").glob("*.docx")):
        check_archive(path, IngestLimits(), "DOCX")
        with zipfile.ZipFile(path) as archive:
            ratios = [m.file_size / max(m.compress_size, 1) for m in archive.infolist()]
        assert max(ratios) < IngestLimits().max_zip_ratio / 5, path.name
