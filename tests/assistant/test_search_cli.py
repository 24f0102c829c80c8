from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from knowledge.settings import Settings

runner = CliRunner()


def _env(settings: Settings) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}


def test_search_json_contract(corpus_settings: Settings) -> None:
    result = runner.invoke(
        app,
        [
            "search",
            "Was tun bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung?",
            "-k",
            "5",
            "--json",
        ],
        env=_env(corpus_settings),
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 5
    first = hits[0]
    assert {"rank", "score", "document_id", "source", "title", "section", "type", "date", "text"} <= set(
        first
    )
    assert first["rank"] == 1 and 0 < first["score"] <= 1
    assert first["source"] == "laws/2026/sgb8.md"
    assert first["section"] == "§ 8a Schutzauftrag bei Kindeswohlgefährdung"
    assert first["date"] == "2026-03-29"


def test_search_type_filter_and_null_section(corpus_settings: Settings) -> None:
    result = runner.invoke(
        app,
        ["search", "Fachtag im Kreis Unna", "--type", "press_release", "--json"],
        env=_env(corpus_settings),
    )
    hits = json.loads(result.stdout)["hits"]
    assert hits and all(h["type"] == "press_release" for h in hits)
    assert hits[0]["section"] is None


def test_search_batch(corpus_settings: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "fragen.jsonl"
    batch.write_text(
        '{"id": "q1", "query": "Ombudsstellen"}\n{"id": "q2", "query": "Elterngeld Höhe"}\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["search", "--batch", str(batch), "-k", "3"], env=_env(corpus_settings))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2"]
    assert lines[0]["hits"][0]["section"].startswith("§ 9a")
    assert len(lines[1]["hits"]) == 3


def test_doctor_reports_no_outbound_traffic(corpus_settings: Settings) -> None:
    result = runner.invoke(app, ["doctor", "--json"], env=_env(corpus_settings))
    report = json.loads(result.stdout)
    assert report["network"]["outbound"] == []
    assert report["index"]["chunks"] > 1000
    assert "gewichtsfrei" in report["embedder"]["description"]
