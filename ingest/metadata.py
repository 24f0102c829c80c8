"""Document metadata from front matter, path and text: title, type, date, publisher/region, law, state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from datetime import date as Date  # a field below is named `date`
from pathlib import PurePosixPath
from typing import Any

from knowledge.models import DocumentType

_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}  # fmt: skip
_NUMERIC_DATE = r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})"
_WORDED_DATE = r"(\d{1,2})\.\s*(" + "|".join(_MONTHS) + r")\s+(\d{4})"
# Labelled dates win over dates that merely occur in the text.
_LABELLED_DATES = [
    re.compile(
        r"(?:Meldungsdatum|Datum|Pressemitteilung vom|Medieninformation vom|vom|Stand)\s*:?\s*" + pattern,
        re.I,
    )
    for pattern in (_NUMERIC_DATE, _WORDED_DATE)
]
_ANY_DATE = [re.compile(_NUMERIC_DATE), re.compile(_WORDED_DATE, re.I)]
_LAST_CHANGED = re.compile(r"Zuletzt geändert durch\s*\n?\s*:?\s*.*?\bv(?:om|\.)\s*" + _NUMERIC_DATE, re.I)
_LAW_IN_TITLE = re.compile(r"\(([A-Za-zÄÖÜäöü]+(?: [0-9IVX]+)?)\)\s*$")
_SGB_NUMBER = re.compile(r"^SGB\s*(\d+)$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X",
          11: "XI", 12: "XII", 14: "XIV"}  # fmt: skip
# Colleagues and the guide say UVG; the statute's own abbreviation is UhVorschG.
_LAW_ALIASES = {"UhVorschG": "UVG"}
_PARAGRAPH_HEADING = re.compile(r"^#{1,6}\s*§\s*\d+", re.M)
_REGION = re.compile(
    r"\b((?:Landkreis|Kreis|Stadt|Gemeinde|Landschaftsverband|Region|Bezirk)\s+[A-ZÄÖÜ][\w\-]+(?:-[A-ZÄÖÜ][\w]+)?)"
)
# "Northeim (lpd). " opens many agency releases; it is a dateline, not a title.
_DATELINE = re.compile(r"^[A-ZÄÖÜ][\w\- ]{1,40}\((?:lpd|ots|dpa|epd|kna)\)\.?\s*")
_PRESS_MARKERS = re.compile(
    r"Meldungsdatum|Medieninformation|Pressemitteilung|Pressekontakt|\((?:lpd|ots)\)", re.I
)

_TYPE_HINTS_IN_PATH = [
    (("bylaws", "satzung", "satzungen"), DocumentType.BYLAW),
    (("laws", "gesetze", "recht"), DocumentType.LAW),
    (("press", "presse", "pressemitteilungen"), DocumentType.PRESS_RELEASE),
    (("workshop", "workshops", "praxis", "fachtag"), DocumentType.WORKSHOP),
    (("rechtsaenderungen", "legal_changes", "aenderungen"), DocumentType.LEGAL_CHANGE),
]


@dataclass(frozen=True)
class Metadata:
    title: str
    type: DocumentType
    date: Date | None
    publisher: str | None
    region: str | None
    law: str | None
    version_state: Date | None


def extract_metadata(
    source: str,
    text: str,
    front_matter: dict[str, Any],
    *,
    html_title: str | None = None,
    type_override: DocumentType | None = None,
) -> Metadata:
    doc_type = type_override or guess_type(source, text, front_matter)
    law = _law(text, front_matter) if doc_type in {DocumentType.LAW, DocumentType.LEGAL_CHANGE} else None
    if doc_type is DocumentType.LEGAL_CHANGE:
        law = None  # a summary cites laws but is no version of one
    state = _version_state(text, front_matter) if doc_type in {DocumentType.LAW, DocumentType.BYLAW} else None
    return Metadata(
        title=_title(source, text, front_matter, html_title),
        type=doc_type,
        date=_front_matter_date(front_matter) or state or find_date(text),
        publisher=_str(front_matter.get("publisher") or front_matter.get("herausgeber")),
        region=_region(text, front_matter),
        law=law,
        version_state=state,
    )


def guess_type(source: str, text: str, front_matter: dict[str, Any]) -> DocumentType:
    declared = str(front_matter.get("type") or "").strip().lower()
    if declared in DocumentType._value2member_map_:
        return DocumentType(declared)
    nature = str(front_matter.get("rechtsnatur") or "").lower()
    if "satzung" in nature:
        return DocumentType.BYLAW
    if "gesetz" in nature or front_matter.get("jurabk"):
        return DocumentType.LAW
    parts = {part.lower() for part in PurePosixPath(source).parts[:-1]}
    for names, doc_type in _TYPE_HINTS_IN_PATH:
        if parts & set(names):
            return doc_type
    if _PRESS_MARKERS.search(text[:3000]):
        return DocumentType.PRESS_RELEASE
    if len(_PARAGRAPH_HEADING.findall(text)) >= 3:
        return DocumentType.LAW
    return DocumentType.OTHER


def find_date(text: str) -> date | None:
    """The first labelled date in the head of the text, else the first date at all."""
    head = text[:4000]
    for patterns in (_LABELLED_DATES, _ANY_DATE):
        for pattern in patterns:
            for match in pattern.finditer(head):
                found = _to_date(*match.groups())
                if found:
                    return found
    return None


def _to_date(day: str, month: str, year: str) -> date | None:
    month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower(), 0)
    try:
        return date(int(year), month_number, int(day))
    except ValueError:
        return None


def parse_date_value(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        raw = value.strip()
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return find_date(raw)
    return None


def _front_matter_date(front_matter: dict[str, Any]) -> date | None:
    for key in ("date", "datum", "stand", "geaendert_am"):
        found = parse_date_value(front_matter.get(key))
        if found:
            return found
    return None


def _version_state(text: str, front_matter: dict[str, Any]) -> date | None:
    for key in ("stand", "geaendert_am", "gueltig_ab"):
        found = parse_date_value(front_matter.get(key))
        if found:
            return found
    match = _LAST_CHANGED.search(text[:3000])
    return _to_date(*match.groups()) if match else None


def _law(text: str, front_matter: dict[str, Any]) -> str | None:
    candidates = [front_matter.get("jurabk"), front_matter.get("abkuerzung")]
    for key in ("titel", "title", "Title"):
        match = _LAW_IN_TITLE.search(str(front_matter.get(key) or ""))
        if match:
            candidates.append(match.group(1))
    heading = re.search(r"^#\s+(.+)$", text, re.M)
    if heading:
        match = _LAW_IN_TITLE.search(heading.group(1).strip())
        if match:
            candidates.append(match.group(1))
    for candidate in candidates:
        if candidate:
            return normalise_law(str(candidate))
    return None


def normalise_law(abbreviation: str) -> str:
    """ "SGB 8" -> "SGB VIII"; "UhVorschG" -> "UVG"."""
    value = abbreviation.strip()
    match = _SGB_NUMBER.match(value)
    if match and int(match.group(1)) in _ROMAN:
        return f"SGB {_ROMAN[int(match.group(1))]}"
    return _LAW_ALIASES.get(value, value)


def _title(source: str, text: str, front_matter: dict[str, Any], html_title: str | None) -> str:
    for key in ("title", "titel", "Title"):
        if front_matter.get(key):
            return " ".join(str(front_matter[key]).split())
    heading = re.search(r"^#\s+(.+)$", text, re.M)
    if heading:
        return heading.group(1).strip()
    if html_title:
        return html_title.split(" | ")[0].strip()
    for raw_line in text.splitlines():
        line = _DATELINE.sub("", raw_line.strip())
        if not line or re.match(r"^(Meldungsdatum|Datum|Medieninformation)\b", line, re.I):
            continue
        if len(line) <= 160 and not line.endswith("."):
            return line
        sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
        return sentence if len(sentence) <= 120 else sentence[:117].rsplit(" ", 1)[0] + " …"
    return PurePosixPath(source).stem


def _region(text: str, front_matter: dict[str, Any]) -> str | None:
    for key in ("region", "gemeinde", "kreis", "land"):
        if front_matter.get(key):
            value = str(front_matter[key])
            if key == "kreis" and not value.lower().startswith(("kreis", "landkreis")):
                value = f"Landkreis {value}"
            return value
    match = _REGION.search(text[:3000])
    return match.group(1) if match else None


def _str(value: Any) -> str | None:
    return str(value).strip() if value else None
