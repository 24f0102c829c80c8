"""Exports of the answer log, read back the way a spreadsheet or a script reads them: CSV with the csv
module (as German Excel: BOM, `;`), XLSX with openpyxl, JSON with json. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import openpyxl

from assistant.log import AnswerLog, LogFilter, Verdict
from assistant.log.export import COLUMNS, export_answers, reviewer_pseudonyms
from assistant.models import Answer, AnswerStatus
from assistant.secrets import pseudonym
from tests.assistant.test_log_store import _answer, _record, answer_log  # noqa: F401 (fixture)

SECRET = b"test-secret"
FORMULA = "=SUMME(1;2) Was regelt § 8a?"
MULTILINE = "Kurz gesagt: Das Jugendamt schätzt das Risiko ein. [1]\n\n§ 8a Abs. 1 SGB VIII\nZweite Zeile [1]"
SUMMER = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)  # 12:30 in Berlin (CEST)
WINTER = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)  # 11:30 in Berlin (CET)


def _fill(log: AnswerLog) -> tuple[str, str]:
    answer = _answer()
    answer.text = MULTILINE
    summer = _record(log, answer, asked_at=SUMMER)
    formula = Answer(status=AnswerStatus.ABSTAINED, text="Keine Quelle.", question_for_log=FORMULA)
    winter = _record(log, formula, asked_at=WINTER)
    assert log.add_review(summer, reviewer="leitung.mueller", verdict=Verdict.KORREKT, comment=None)
    return summer, winter


def _export(log: AnswerLog, fmt: str) -> bytes:
    return export_answers(log, LogFilter(), fmt, reviewer_alias=reviewer_pseudonyms(SECRET))  # type: ignore[arg-type]


def test_csv_opens_in_german_excel(answer_log: AnswerLog) -> None:  # noqa: F811
    summer, winter = _fill(answer_log)
    body = _export(answer_log, "csv")
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads umlauts and § correctly
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == COLUMNS
    assert len(rows) == 3  # one row per answer, although the answer has line breaks
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_id[summer]["antwort"] == MULTILINE
    assert by_id[summer]["zeit"] == "01.07.2026 12:30:00"
    assert by_id[winter]["zeit"] == "15.01.2026 11:30:00"
    assert by_id[summer]["frage"] == "Was regelt § 8a?"
    assert by_id[summer]["bewertungen"] == "korrekt"
    assert by_id[winter]["frage"] == "'" + FORMULA  # CSV injection neutralised
    assert b'"' + MULTILINE.partition("\n")[0].encode() in body  # the cell with line breaks is quoted


def test_xlsx_keeps_text_as_text_and_times_local(answer_log: AnswerLog) -> None:  # noqa: F811
    summer, winter = _fill(answer_log)
    workbook = openpyxl.load_workbook(io.BytesIO(_export(answer_log, "xlsx")))
    sheet = workbook["Antwortprotokoll"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and len(rows) == 3
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_id[summer]["antwort"] == MULTILINE
    assert by_id[summer]["zeit"] == datetime(2026, 7, 1, 12, 30)
    assert by_id[winter]["zeit"] == datetime(2026, 1, 15, 11, 30)
    assert by_id[winter]["frage"] == FORMULA  # shown as typed ...
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # ... but never a formula
    formula_cell = next(c for c in cells if c.value == FORMULA)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix


def test_json_names_no_account(answer_log: AnswerLog) -> None:  # noqa: F811
    summer, _ = _fill(answer_log)
    text = _export(answer_log, "json").decode("utf-8")
    assert "leitung.mueller" not in text
    rows = {row["id"]: row for row in json.loads(text)}
    [review] = rows[summer]["reviews"]
    assert review["reviewer"] == pseudonym(SECRET, "reviewer", "leitung.mueller")
    # Not the asker pseudonym of the same person: the export does not link reviewing to asking.
    assert review["reviewer"] != pseudonym(SECRET, "user", "leitung.mueller")
    assert "user_pseudonym" not in rows[summer]
