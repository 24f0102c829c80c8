"""Policy rule 2: planted identifiers never reach the data dir, temp files, logs or the output."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from knowledge.settings import Settings

CANARIES = {
    "Zyprianus": "Zyprianus",
    "Quackenbusch": "Quackenbusch",
    "17.03.2013": "17.03.2013",
    "0176 98765432": "017698765432",
    "zyprianus.q@example.org": "zyprianus.q@example.org",
    "DE89 3704 0044 0532 0130 00": "DE89370400440532013000",
    "51.2-7781/25": "7781/25",
    "UN-QX 4711": "QX 4711",
    "Quappenweg 17": "Quappenweg",
}
QUESTIONS = [
    "Herr Zyprianus Quackenbusch, geb. 17.03.2013, wohnt im Quappenweg 17 in Unna. "
    "Hat er Anspruch auf Hilfe zur Erziehung?",
    "Die Mutter ist unter 0176 98765432 oder zyprianus.q@example.org erreichbar – "
    "darf ich ihr Elterngeldinfos schicken?",
    "Zahlung an IBAN DE89 3704 0044 0532 0130 00 zu Az. 51.2-7781/25: Kostenbeitrag richtig berechnet?",
    "Der Vater fährt das Auto UN-QX 4711. Darf das Jugendamt die Polizei informieren?",
]


@pytest.mark.parametrize("gate_action", ["refuse", "redact"])
def test_canaries_are_nowhere(
    corpus_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    gate_action: str,
) -> None:
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp_dir))
    caplog.set_level(logging.DEBUG)
    env = {
        "JHA_DATA_DIR": str(corpus_settings.data_dir),
        "JHA_EMBEDDER": "hashing",
        "JHA_GATE_ACTION": gate_action,
    }
    runner = CliRunner()
    outputs = []
    for question in QUESTIONS:
        for args in (["ask", question, "--json"], ["ask", question]):
            result = runner.invoke(app, args, env=env)
            assert result.exit_code == 0, result.output
            outputs.append(result.stdout + result.stderr)
    export = runner.invoke(app, ["logs", "export", "--format", "csv"], env=env)
    outputs.append(export.stdout)

    captured = "\n".join(outputs) + "\n" + caplog.text
    stored = b"".join(
        p.read_bytes()
        for root in (corpus_settings.data_dir, temp_dir)
        for p in root.rglob("*")
        if p.is_file()
    )
    for planted, compact in CANARIES.items():
        for value in {planted, compact}:
            assert value not in captured, f"{value!r} erscheint in der Ausgabe"
            assert value.encode() not in stored, f"{value!r} steht im Datenverzeichnis"
    assert export.stdout.count("\n") >= len(QUESTIONS) * 2
