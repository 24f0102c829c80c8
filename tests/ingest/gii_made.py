"""A gii-norm `xml.zip` (the format of gesetze-im-internet.de) made from a Markdown law of the corpus,
the way bundestag/gesetze-tools' lawdown.py made that Markdown from the XML, backwards."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

_HEADING = re.compile(r"^(#{2,6})\s+(.+?)\s*$")
_PARAGRAPH = re.compile(r"^(§{1,2}\s*\d+[a-z]?)\s*(?:-\s*)?(.*)$")
_ITEM = re.compile(r"^(\d+[a-z]?\.|[a-z]{1,2}\))\s+(.*)$")


def gii_xml(markdown: str, *, stand_comment: str | None = None, replace: dict[str, str] | None = None) -> str:
    """The law as gii-norm XML; `stand_comment` overrides "Zuletzt geändert durch …", `replace` edits
    the text (a later version of the law)."""
    for old, new in (replace or {}).items():
        assert old in markdown, old
        markdown = markdown.replace(old, new)
    _, head, body = markdown.split("---\n", 2)
    meta = yaml.safe_load(head)
    title_line = next(line for line in body.splitlines() if line.startswith("# "))
    jurabk = meta["jurabk"]
    title = title_line[2:].removesuffix(f" ({jurabk})").strip()
    changed = re.search(r"Zuletzt geändert durch\n:\s+(.+)", body)
    comment = stand_comment or (f"Zuletzt geändert durch {changed.group(1).strip()}" if changed else "")
    norms = [
        "<norm><metadaten>"
        f"<jurabk>{escape(jurabk)}</jurabk><langue>{escape(title)}</langue>"
        f"<standangabe><standtyp>Stand</standtyp><standkommentar>{escape(comment)}</standkommentar></standangabe>"
        "</metadaten></norm>"
    ]
    for heading, level, blocks in _sections(body):
        match = _PARAGRAPH.match(heading)
        if match:
            norms.append(
                f"<norm><metadaten><jurabk>{escape(jurabk)}</jurabk><enbez>{escape(match.group(1))}</enbez>"
                f"<titel>{escape(match.group(2))}</titel></metadaten>"
                f'<textdaten><text format="XML"><Content>{_content(blocks)}</Content></text></textdaten>'
                "</norm>"
            )
        else:
            number = "010" * (level - 1)
            name, _, rest = heading.partition(" - ")
            norms.append(
                f"<norm><metadaten><jurabk>{escape(jurabk)}</jurabk><gliederungseinheit>"
                f"<gliederungskennzahl>{number}</gliederungskennzahl><gliederungsbez>{escape(name)}</gliederungsbez>"
                f"<gliederungstitel>{escape(rest)}</gliederungstitel></gliederungseinheit></metadaten></norm>"
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE dokumente SYSTEM "http://www.gesetze-im-internet.de/dtd/1.01/gii-norm.dtd">\n'
        f'<dokumente builddate="20260101000000" doknr="BJNR000000000">{"".join(norms)}</dokumente>'
    )


def gii_zip(path: Path, xml: str) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"BJNR{abs(hash(xml)) % 10**9:09d}.xml", xml)
    return path


def _sections(body: str) -> list[tuple[str, int, list[str]]]:
    sections: list[tuple[str, int, list[str]]] = []
    blocks: list[str] = []
    current: list[str] = []
    for line in [*body.splitlines(), ""]:
        heading = _HEADING.match(line)
        if heading or not line.strip():
            if current:
                blocks.append(" ".join(" ".join(current).split()))
                current = []
            if heading:
                blocks = []
                sections.append((heading.group(2), len(heading.group(1)), blocks))
            continue
        current.append(line.strip())
    return sections


def _content(blocks: list[str]) -> str:
    """Absätze as <P>; numbered items as a <DL> inside the Absatz they follow."""
    paragraphs: list[list[str]] = []
    for block in blocks:
        item = _ITEM.match(block)
        if item and paragraphs:
            paragraphs[-1].append(
                f"<DT>{escape(item.group(1))}</DT><DD><LA>{escape(item.group(2))}</LA></DD>"
            )
        else:
            paragraphs.append([escape(block)])
    out = []
    for first, *items in paragraphs:
        out.append(f"<P>{first}" + (f'<DL Type="arabic">{"".join(items)}</DL>' if items else "") + "</P>")
    return "".join(out)
