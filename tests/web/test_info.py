"""The policy page (rendered from the versioned policy document) and the limits page."""

from __future__ import annotations

from collections.abc import Callable

from assistant.policy import GATE_LIMITATIONS, policy_version
from tests.web.conftest import WebClient


def test_policy_is_rendered_from_its_document(as_user: Callable[[str], WebClient]) -> None:
    page = as_user("fachkraft").get("/policy").text
    assert f"Version {policy_version()}" in page
    assert "<h1>Datenschutz- und Aufsichtsrichtlinie</h1>" in page
    assert "<h2>Regel 1: Keine Falldaten (<code>falldaten-sperre</code>)</h2>" in page


def test_limits_page_names_sources_modes_and_blind_spots(as_user: Callable[[str], WebClient]) -> None:
    page = as_user("leitung").get("/limits").text
    # newest document per type: the 2026 SGB VIII is the newest law, the Konstanz bylaw the newest Satzung
    law_row = page.split("<td>Gesetz</td>", 1)[1].split("</tr>", 1)[0]
    assert "29.03.2026" in law_row
    bylaw_row = page.split("<td>Satzung</td>", 1)[1].split("</tr>", 1)[0]
    assert "15.07.2024" in bylaw_row
    assert "hashing" in page and "Eingebauter Modus ohne Sprachmodell" in page
    for limitation in GATE_LIMITATIONS:
        assert limitation in page
    assert "nach 180 Tagen gelöscht" in page
