"""`python -m evals bench --quick` end to end on a tiny corpus and tiny sizes: every stage runs for real
(grown indexes, both stock baselines, ask, a server on 127.0.0.1 under load, its memory)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from evals.cli import app

LAW = (
    "# Sozialgesetzbuch (SGB) Achtes Buch (VIII)\n\n"
    "## § 8a Schutzauftrag bei Kindeswohlgefährdung\n\n"
    "(1) Werden dem Jugendamt gewichtige Anhaltspunkte für die Gefährdung des Wohls eines Kindes bekannt, "
    "so hat es das Gefährdungsrisiko im Zusammenwirken mehrerer Fachkräfte einzuschätzen.\n\n"
    "(2) Hält das Jugendamt das Tätigwerden des Familiengerichts für erforderlich, so hat es das Gericht "
    "anzurufen.\n\n"
    "## § 42 Inobhutnahme von Kindern und Jugendlichen\n\n"
    "(1) Das Jugendamt ist berechtigt und verpflichtet, ein Kind oder einen Jugendlichen in seine Obhut "
    "zu nehmen, wenn das Kind oder der Jugendliche um Obhut bittet.\n"
)
PRESS = "Meldungsdatum: 13.02.2026\nDer Kreis Unna lud zum Fachtag stationäre Jugendhilfe ein. " * 4


def test_quick_bench_runs_every_stage_and_writes_report_and_plot(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for folder, name, text in (("laws/2026", "sgb8.md", LAW), ("press", "000.txt", PRESS)):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / name).write_text(text, encoding="utf-8")
    report_path = tmp_path / "report" / "bench.json"
    result = CliRunner().invoke(
        app,
        [
            "bench", "--quick", "--corpus", str(corpus), "--report", str(report_path),
            "--sizes", "20,60", "--users", "2", "--duration", "2", "--cache-dir", str(tmp_path / "cache"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report_path.parent / "latency_vs_size.png").stat().st_size > 0
    assert report["machine"]["cpu_count"] >= 1
    assert [row["chunks"] for row in report["search"]] == [20, 60]
    for row in report["search"]:
        assert {"ours", "bm25", "chroma", "ratios"} <= set(row)
        assert row["ours"]["n"] == report["queries"] >= 200
        assert row["chroma"]["vectors"] == row["chunks"]
    assert report["ask"]["chunks"] == 60 and report["ask"]["n"] == report["queries"]
    load = report["load"]
    assert load["users"] == 2 and load["requests"] > 0
    assert load["errors"] == 0 and load["log_rows_lost"] == 0
    assert load["log_rows_written"] == load["answered"] == load["requests"]
    assert report["memory"]["errors"] == 0 and report["memory"]["peak_rss_mib"] > 0
    assert report["indexes"]["cached"] is False and report["failed"] == []
    assert report["sync"]["files"] == report["sync"]["documents"] == 50
    assert report["sync"]["unchanged_seconds"] > 0
