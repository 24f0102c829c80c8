"""Excel workbooks (.xlsx) with openpyxl in read-only mode: each sheet a section with its table.

Formulas are read as the values Excel last computed (data_only); a workbook never saved by Excel has
none, and its formula cells stay empty rather than showing "=SUMME(…)".
"""

from __future__ import annotations

import logging
from pathlib import Path

from ingest.archive import check_archive
from ingest.formats.tables import markdown_table
from ingest.limits import IngestLimits, LoadError
from ingest.loaded import LoadedFile

log = logging.getLogger(__name__)


def load_xlsx(path: Path, limits: IngestLimits) -> LoadedFile:
    import openpyxl

    check_archive(path, limits, "XLSX")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # openpyxl, zipfile and XML errors on broken workbooks
        log.debug("openpyxl: %r", exc)
        raise LoadError("XLSX ist beschädigt oder keine Excel-Arbeitsmappe") from exc
    title = (workbook.properties.title or "").strip() or path.stem
    blocks: list[str] = [f"# {title}"]
    size = 0
    try:
        for sheet in workbook.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                size += sum(len(str(value)) + 3 for value in row if value is not None)
                if size > limits.max_text_chars:
                    raise limits.text_too_large()
                rows.append(list(row))
            table = markdown_table(rows)
            if table:
                blocks += [f"## {sheet.title}", table]
    finally:
        workbook.close()
    if len(blocks) == 1:
        raise LoadError("XLSX enthält keine ausgefüllten Zellen")
    return LoadedFile(text="\n\n".join(blocks), format="xlsx")
