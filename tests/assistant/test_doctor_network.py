"""`doctor` names the Chroma server as a network target (it has no authentication of its own)."""

from __future__ import annotations

from pathlib import Path

from assistant.doctor import diagnose
from evals.server_stack import unique_collection
from knowledge.settings import EmbedderMode, make_settings


def test_doctor_lists_the_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    settings = make_settings(
        data_dir=tmp_path / "var",
        embedder=EmbedderMode.HASHING,
        chroma_url=chroma_server,
        chroma_collection=unique_collection(),
    )
    report = diagnose(settings)
    assert report["network"]["outbound"] == [f"Chroma-Server {chroma_server} (lokal)"]
    assert report["index"]["vectors"] == 0


def test_doctor_marks_a_remote_chroma_server() -> None:
    from assistant.doctor import network_exposure

    settings = make_settings(chroma_url="http://10.0.0.5:8000")
    (target,) = network_exposure(settings)["outbound"]
    assert target.startswith("Chroma-Server http://10.0.0.5:8000 (im Netz; ohne Anmeldung")
