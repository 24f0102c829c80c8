"""Exports of the answer log: CSV for German Excel, XLSX, JSON. Pseudonymous like the log itself.

CSV: UTF-8 with BOM (Excel reads UTF-8 only with it), `;` (German Excel's list separator), local time
Europe/Berlin, one row per answer (line breaks stay inside quoted cells). JSON: reviewers appear as
keyed pseudonyms like the askers, never with their account name.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from assistant.secrets import pseudonym

if TYPE_CHECKING:
    from assistant.log.store import AnswerLog, LogEntry, LogFilter

ExportFormat = Literal["csv", "xlsx", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "json")
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
LOCAL_TZ = ZoneInfo("Europe/Berlin")
_BOM = "\ufeff"
_LOCAL_TIME = "%d.%m.%Y %H:%M:%S"  # what German Excel recognises as date and time

COLUMNS = [
    "id", "zeit", "frage", "status", "antwort", "quellen", "regeln", "entitaeten", "modus", "latenz_ms",
    "policy", "index", "feedback_negativ", "bewertungen",
]  # fmt: skip

# A spreadsheet runs a cell starting with one of these as a formula ("=HYPERLINK(…)" in a question).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry; openpyxl refuses them (a PDF's stray form feed would end the export).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def reviewer_pseudonyms(secret: bytes) -> Callable[[str], str]:
    """Reviewer name -> keyed pseudonym; a kind of its own, so it never equals the same person's asker
    pseudonym in the log."""
    return lambda name: pseudonym(secret, "reviewer", name) or ""


def with_reviewer_pseudonyms(entry: LogEntry, reviewer_alias: Callable[[str], str]) -> LogEntry:
    """The entry as the Leitung sees it (pages, API, JSON): reviews judge answers, not the people who
    wrote them, so each reviewer appears as her pseudonym."""
    reviews = [
        dataclasses.replace(review, reviewer=reviewer_alias(review.reviewer)) for review in entry.reviews
    ]
    return dataclasses.replace(entry, reviews=reviews)


def export_answers(
    log: AnswerLog, filters: LogFilter, fmt: ExportFormat, *, reviewer_alias: Callable[[str], str]
) -> bytes:
    """The filtered answer log as a file's bytes, newest answers first."""
    entries = log.list(filters, limit=1_000_000)
    if fmt == "json":
        return json_text(entries, reviewer_alias).encode("utf-8")
    if fmt == "xlsx":
        return xlsx_bytes(entries)
    return excel_csv(entries).encode("utf-8")


def excel_csv(entries: Iterable[LogEntry]) -> str:
    """CSV text for German Excel, starting with the BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _rows(entries):
        writer.writerow(_csv_cell(value) for value in row)
    return _BOM + buffer.getvalue()


def xlsx_bytes(entries: Iterable[LogEntry]) -> bytes:
    """One worksheet "Antwortprotokoll"; text cells stay text, times are real Excel dates."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Antwortprotokoll"
    sheet.append(COLUMNS)
    for row in _rows(entries):
        sheet.append([_NOT_IN_XML.sub(" ", v) if isinstance(v, str) else v for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                # openpyxl stores "=…" as a formula; as a text cell with Excel's quote prefix it is shown
                # as typed and stays text when someone edits it.
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(cell.value, datetime):
                cell.number_format = "DD.MM.YYYY HH:MM:SS"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_text(entries: Iterable[LogEntry], reviewer_alias: Callable[[str], str]) -> str:
    rows = [with_reviewer_pseudonyms(entry, reviewer_alias).as_json() for entry in entries]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def _rows(entries: Iterable[LogEntry]) -> Iterator[list[object]]:
    for e in entries:
        yield [
            e.id,
            # Excel has no time zones: the office's local time, without offset (XLSX: a real date).
            e.asked_at.astimezone(LOCAL_TZ).replace(tzinfo=None, microsecond=0),
            e.question or "",
            e.status.value,
            e.answer.replace("\r\n", "\n"),
            "; ".join(c.get("label") or c.get("title", "") for c in e.citations),
            " ".join(e.rules),
            " ".join(e.entities),
            e.mode,
            e.latency_ms,
            e.policy_version,
            e.index_version,
            sum(1 for f in e.feedback if f.negative),
            " ".join(r.verdict for r in e.reviews),
        ]


def _csv_cell(value: object) -> object:
    """OWASP's CSV-injection defence: a text cell that could start a formula gets a leading apostrophe."""
    if isinstance(value, datetime):
        return value.strftime(_LOCAL_TIME)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
