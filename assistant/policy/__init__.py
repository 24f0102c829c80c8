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
    "Namen werden ohne Sprachmodell erkannt: mit einem Hinweis davor oder danach („Frau“, „Familie“, "
    "„KM/KV“, „Fall“, Altersangabe, Geburtsdatum), über Namenslisten (rund 13.000 Vor- und 10.000 "
    "Familiennamen aus deutschen, türkischen, polnischen, russischen, ukrainischen, arabischen und "
    "weiteren Listen) oder weil zwei Wörter in Folge weder im Wörterverzeichnis noch in der "
    "Wissensbasis stehen. Ein einzelner seltener Name ohne Hinweis wird übersehen; gespeichert wird er "
    "trotzdem nicht, denn der Speicherfilter ersetzt jedes unbekannte Wort durch „[?]“.",
    "Familiennamen, die gewöhnliche Wörter sind („Koch“, „Winter“), ohne Vornamen oder Anrede davor "
    "werden weder erkannt noch vom Speicherfilter ersetzt.",
    "Umschreibungen, die eine Person bestimmbar machen („der Sohn des Bäckers in der Kirchgasse“), "
    "erkennt keine Mustererkennung.",
    "Gesundheits- und Sozialdaten ohne Namensbezug (Diagnosen, Vorstrafen) werden nicht gemeldet.",
    "Adressen: Straßennamen ohne Hausnummer nur mit „wohnt“, „lebt“ oder „Adresse“ davor.",
    "Datumsangaben zählen mit Geburtsbezug („geb.“, „*“, „geboren am“) oder direkt hinter einem Namen; "
    "Altersangaben ohne Namen werden bewusst nicht gemeldet.",
    "Nummern: Ausweis-, Pass- und Führerscheinnummern werden nicht eigens erkannt; der Speicherfilter "
    "ersetzt sie wie jede unbekannte Zahlen- und Buchstabenfolge.",
    "Geprüft wird nur der eingegebene Text, keine Dateianhänge.",
    "Die Prüfung ersetzt nicht die Sorgfalt der Fachkraft: Geben Sie keine Falldaten ein.",
]

AI_DISCLOSURE_TEXT = (
    "KI-generierte Antwort aus der Wissensbasis – keine Rechtsberatung. Bitte prüfen Sie jede Aussage "
    "anhand der genannten Quellen, bevor Sie sie verwenden."
)
