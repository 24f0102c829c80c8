"""Tables of every format as Markdown pipe tables: what the chunker keeps whole and the pages render."""

from __future__ import annotations

from collections.abc import Sequence

Cell = str | int | float | None


def cell_text(value: Cell) -> str:
    """One line per cell; a pipe inside a cell would split it, so it becomes a slash."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("|", "/")
    return " ".join(text.split())


def markdown_table(rows: Sequence[Sequence[Cell]]) -> str:
    """Rows to a pipe table, the first non-empty row as its header; empty rows and columns dropped.

    >>> print(markdown_table([["Alter", "Betrag"], ["0–6", 800], [None, None]]))
    | Alter | Betrag |
    | --- | --- |
    | 0–6 | 800 |
    """
    cleaned = [[cell_text(c) for c in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if not cleaned:
        return ""
    width = max(len(row) for row in cleaned)
    cleaned = [row + [""] * (width - len(row)) for row in cleaned]
    used = [i for i in range(width) if any(row[i] for row in cleaned)]
    cleaned = [[row[i] for i in used] for row in cleaned]
    if len(used) == 1:  # a one-column "table" is a list of lines
        return "\n\n".join(row[0] for row in cleaned)
    header, *body = cleaned
    lines = [_row(header), _row(["---"] * len(header)), *(_row(row) for row in body)]
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
