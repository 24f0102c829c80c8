"""`python -m evals run` end to end on a tiny corpus: report, thresholds, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from evals.cli import app

runner = CliRunner()

PRESS = "Meldungsdatum: 13.02.2026\nDer Kreis Unna lud zum Fachtag stationäre Jugendhilfe ein. " * 5
LAW = (
    "# Jugendschutzgesetz (JuSchG)\n\n## § 9 Alkoholische Getränke\n\n"
    "(1) Bier darf an Kinder nicht abgegeben werden.\n"
)


def _corpus(root: Path) -> Path:
    for folder, name, text in (
        ("press", "000.txt", PRESS),
        ("formats", "000.txt", PRESS),  # the same text again: must be skipped as a duplicate
        ("laws/2022", "juschg.md", LAW),
        ("bylaws", "satzung.md", "# Satzung\n\n## § 1 Name\n\nDas Jugendamt heißt Amt für Jugend.\n"),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    return root


def _run(tmp_path: Path, thresholds: str) -> tuple[int, dict]:
    limits = tmp_path / "thresholds.toml"
    limits.write_text(thresholds, encoding="utf-8")
    report = tmp_path / "report" / "report.json"
    result = runner.invoke(
        app,
        [
            "run",
            "--corpus", str(_corpus(tmp_path / "corpus")),
            "--knowledge", str(tmp_path / "fehlt"),
            "--thresholds", str(limits),
            "--report", str(report),
            "--questions",
            "--retrieval-only",  # the Assistant stages have their own tests; this one checks the wiring
        ],
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(report.read_text(encoding="utf-8"))


def test_run_writes_report_and_fails_below_threshold(tmp_path: Path) -> None:
    code, report = _run(tmp_path, '[corpus]\n"recall@5" = 0.99\n')
    assert code == 1
    corpus = report["sets"]["corpus"]
    assert corpus["ingest"]["documents"] == 3
    assert corpus["ingest"]["duplicates"] == {
        "files": 1,
        "skipped_as_duplicates": 1,
        "added": 0,
        "failed": [],
    }
    assert set(corpus["ours"]) == {"recall@1", "recall@5", "recall@10", "mrr", "ndcg@10"}
    assert set(corpus["halves"]) == {"odd", "even"}
    assert set(corpus["baselines"]) == {"bm25", "chroma"}
    assert all(b["metrics"]["recall@5"] <= 1.0 for b in corpus["baselines"].values())
    # The real corpus questions over three tiny files: most gold is not in this index at all.
    assert corpus["unreachable"] and corpus["misses"]
    miss = corpus["misses"][0]
    assert {"id", "question", "gold", "rank", "baseline_ranks", "retrieved"} <= set(miss)
    assert {"title", "section"} <= set(miss["retrieved"][0])
    assert report["answers"] == {"skipped": "--retrieval-only"}
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "Fragen, bei denen wir danebenliegen" in page
    assert report["sets"]["knowledge"]["skipped"].startswith("Dokumente fehlen")
    assert report["failures"] == [f"corpus: recall@5 = {corpus['ours']['recall@5']:.3f} < 0.990"]


def test_run_passes_when_thresholds_hold_and_skipped_sets_do_not_fail(tmp_path: Path) -> None:
    code, report = _run(tmp_path, '[corpus]\n"recall@5" = 0.0\n[knowledge]\nmrr = 0.9\n')
    assert code == 0
    assert report["failures"] == []


def test_run_without_corpus_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--corpus", str(tmp_path / "fehlt")])
    assert result.exit_code == 2
