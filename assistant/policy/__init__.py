"""The versioned data-protection and human-oversight policy: its text and its rule ids."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import yaml

_DOCUMENT = Path(__file__).parent / "policy.md"


class Rule(StrEnum):
    CASE_DATA = "falldaten-sperre"
    NO_IDENTIFIERS = "keine-identifikatoren"
    NO_CASE_DECISIONS = "keine-einzelfallentscheidung"
    EMERGENCY = "kinderschutz-notfall"
    AI_DISCLOSURE = "ki-kennzeichnung"
    SOURCES_ONLY = "nur-mit-quelle"
    DOCUMENTS_ARE_DATA = "dokumente-sind-daten"
    NO_OUTBOUND = "kein-ausgehender-verkehr"
    RETENTION = "aufbewahrung"
    PSEUDONYMOUS_REVIEW = "pseudonyme-auswertung"


@lru_cache(maxsize=1)
def _document() -> tuple[dict[str, object], str]:
    raw = _DOCUMENT.read_text(encoding="utf-8")
    _, front, body = raw.split("---", 2)
    return yaml.safe_load(front), body.strip()


def policy_version() -> str:
    return str(_document()[0]["version"])


def policy_markdown() -> str:
    """The policy as shown to users (Markdown body without front matter)."""
    return _document()[1]


# What the case-data gate cannot see; shown on the limits page so nobody relies on it blindly.
GATE_LIMITATIONS = [
    "Namen werden ohne Sprachmodell erkannt: nur mit einem Hinweis davor oder danach („Frau“, „Herr“, "
    "„Familie“, „KM/KV“, „der kleine …“, Altersangabe, Geburtsdatum) oder wenn der Vorname in der "
    "hinterlegten Namensliste steht (rund 4.800 Vornamen). Seltene Namen ohne solchen Hinweis, z. B. "
    "„ihr Sohn Dmytro“, werden übersehen.",
    "Kleingeschriebene Namen („frau müller“), Familiennamen, die gewöhnliche Wörter sind („Familie "
    "Bruder“), und Fallbezeichnungen wie „Fall Schulze“ werden nicht sicher erkannt.",
    "Umschreibungen, die eine Person bestimmbar machen („der Sohn des Bäckers in der Kirchgasse“), "
    "erkennt keine Mustererkennung.",
    "Gesundheits- und Sozialdaten ohne Namensbezug (Diagnosen, Vorstrafen) werden nicht gemeldet.",
    "Adressen: Straßennamen ohne Hausnummer nur mit „wohnt“, „lebt“ oder „Adresse“ davor; Postleitzahl "
    "mit Ort allein gilt nicht als Adresse.",
    "Datumsangaben zählen nur mit Geburtsbezug („geb.“, „geboren am“); Altersangaben ohne Namen werden "
    "bewusst nicht gemeldet.",
    "Nummern: nach deutschen Nummernplänen ungültige Telefonnummern, Steuer- und "
    "Versicherungsnummern mit falscher Prüfziffer ohne Bezeichnung davor, Aktenzeichen ohne „Az.“ "
    "oder übliche Form sowie Ausweis-, Pass- und Führerscheinnummern werden nicht sicher erkannt.",
    "Geprüft wird nur der eingegebene Text, keine Dateianhänge.",
    "Die Prüfung ersetzt nicht die Sorgfalt der Fachkraft: Geben Sie keine Falldaten ein.",
]

AI_DISCLOSURE_TEXT = (
    "KI-generierte Antwort aus der Wissensbasis – keine Rechtsberatung. Bitte prüfen Sie jede Aussage "
    "anhand der genannten Quellen, bevor Sie sie verwenden."
)
