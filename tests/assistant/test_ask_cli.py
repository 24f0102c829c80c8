"""The `python -m assistant ask` and `logs` contract other tools rely on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from knowledge.settings import Settings

runner = CliRunner()


def _env(settings: Settings) -> dict[str, str]:
    return {"JHA_DATA_DIR": str(settings.data_dir), "JHA_EMBEDDER": "hashing"}


def test_ask_json_contract(corpus_settings: Settings) -> None:
    result = runner.invoke(
        app, ["ask", "Was regelt § 9a SGB VIII zu Ombudsstellen?", "--json"], env=_env(corpus_settings)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "answered"
    assert data["answer"].startswith(("Kurz gesagt", "Maßgeblich sind:"))
    assert set(data["policy"]) == {"rules", "entities"} and "ki-kennzeichnung" in data["policy"]["rules"]
    assert data["log_id"]
    first = data["citations"][0]
    assert {"n", "document_id", "source", "title", "section", "quote"} <= set(first)
    assert first["n"] == 1 and first["section"].startswith("§ 9a")


def test_ask_json_refusal_names_entity_types_only(corpus_settings: Settings) -> None:
    question = "Frau Yilmaz, geb. 03.05.1985, Tel. 0231 1234567: steht ihr Elterngeld zu?"
    result = runner.invoke(app, ["ask", question, "--json"], env=_env(corpus_settings))
    data = json.loads(result.stdout)
    assert data["status"] == "refused"
    assert {"PERSON", "DATE_OF_BIRTH", "PHONE_NUMBER"} <= set(data["policy"]["entities"])
    for value in ("Yilmaz", "03.05.1985", "1234567"):
        assert value not in result.stdout


def test_ask_batch_keeps_ids_and_order(corpus_settings: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "fragen.jsonl"
    lines = [
        {"id": "a", "question": "Wer hat Anspruch auf Elterngeld?"},
        {"id": "b", "question": "Wie wird das Wetter morgen?"},
        {"id": "c", "question": "Herr Becker, Hauptstraße 3, Unna – darf er das?"},
    ]
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    result = runner.invoke(app, ["ask", "--batch", str(batch)], env=_env(corpus_settings))
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["id"], a["status"]) for a in answers] == [
        ("a", "answered"),
        ("b", "abstained"),
        ("c", "refused"),
    ]


def test_logs_export_and_purge(corpus_settings: Settings) -> None:
    runner.invoke(app, ["ask", "Was regelt § 8a SGB VIII?", "--json"], env=_env(corpus_settings))
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    exported = runner.invoke(
        app, ["logs", "export", "--since", yesterday, "--format", "json"], env=_env(corpus_settings)
    )
    rows = json.loads(exported.stdout)
    assert rows and rows[0]["question"] == "Was regelt § 8a SGB VIII?"
    csv_out = runner.invoke(app, ["logs", "export", "--format", "csv"], env=_env(corpus_settings))
    assert csv_out.stdout.startswith("\ufeffid;zeit;frage;status")
    purged = runner.invoke(app, ["logs", "purge"], env=_env(corpus_settings))
    assert purged.exit_code == 0 and "0 Einträge gelöscht" in purged.stdout


def test_malformed_batch_line_names_its_number(corpus_settings: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "kaputt.jsonl"
    batch.write_text('{"id": "a", "question": "Was regelt § 8a?"}\n{"id": "b"}\n', encoding="utf-8")
    result = runner.invoke(app, ["ask", "--batch", str(batch)], env=_env(corpus_settings))
    assert result.exit_code == 2
    assert "Zeile 2" in result.stderr
