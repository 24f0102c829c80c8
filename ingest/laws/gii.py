"""gii-norm XML (gesetze-im-internet.de, one `xml.zip` per law) to the Markdown the law chunker reads.

The structure follows bundestag/gesetze-tools' `lawdown.py`, which wrote the Markdown laws we already
index: the first `<norm>` carries the law's metadata (`<jurabk>`, `<langue>`, `<standangabe>`), every
further `<norm>` is either a heading of the outline (`<gliederungseinheit>`, its level from the length
of `<gliederungskennzahl>`) or a § (`<enbez>` "§ 8a", `<titel>`) with `<textdaten>` of `<P>` Absätze.
Converting to that same Markdown means the same §/Absatz chunks as for a Markdown law, by construction.
The Stand is the date in `<standkommentar>` ("Zuletzt geändert durch Art. 1 G v. 29.3.2026"), else
the build date of the file.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ingest.archive import check_archive
from ingest.formats.tables import markdown_table
from ingest.limits import IngestLimits, LoadError
from ingest.loaded import LoadedFile

_CHANGED_ON = re.compile(r"\bv(?:om|\.)\s*(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})")
_STAND_TYPES = ("Stand", "Neuf")  # "zuletzt geändert" before "neugefasst"
_SKIPPED_TAGS = {"Fussnoten", "FnR", "Footnotes", "Footnote", "noindex", "IMG"}


def load_gii(path: Path, limits: IngestLimits) -> LoadedFile:
    """A law as gii-norm XML, in its `xml.zip` or unpacked as `.xml`."""
    data = _xml_from_zip(path, limits) if path.suffix.lower() == ".zip" else path.read_bytes()
    root = _parse(data)
    if root.tag != "dokumente" or root.find("norm") is None:
        raise LoadError(
            "XML ist kein Gesetz im Format von gesetze-im-internet.de (gii-norm: <dokumente><norm>)"
        )
    text, front_matter = to_markdown(root)
    limits.check_text(text)
    return LoadedFile(text=text, format="gii-xml", front_matter=front_matter)


def _xml_from_zip(path: Path, limits: IngestLimits) -> bytes:
    check_archive(path, limits, "ZIP")
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".xml") and "/" not in n.strip("/")]
        if len(names) != 1:
            reason = "ZIP enthält nicht genau eine XML-Datei (erwartet: xml.zip von gesetze-im-internet.de)"
            raise LoadError(reason)
        return archive.read(names[0])


def _parse(data: bytes) -> Any:
    from lxml import etree

    # The files declare a DTD (gii-norm.dtd) that is neither loaded nor needed; no entities, no network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LoadError("XML ist beschädigt oder unvollständig (kein gültiges XML)") from exc


def to_markdown(root: Any) -> tuple[str, dict[str, Any]]:
    """The law as Markdown (with YAML front matter) and the front matter itself."""
    norms = root.findall("norm")
    head = norms[0].find("metadaten")
    jurabk = _text(head.find("jurabk")) if head is not None else ""
    title = _text(head.find("langue")) if head is not None else ""
    if not jurabk or not title:
        raise LoadError("XML-Gesetz ohne Abkürzung (<jurabk>) oder Titel (<langue>) im ersten <norm>")
    comment, stand = _stand(head, root.get("builddate") or "")
    front_matter: dict[str, Any] = {"titel": title, "jurabk": jurabk, "rechtsnatur": "Gesetz"}
    if stand:
        front_matter["stand"] = stand.isoformat()
    if comment:
        front_matter["quelle"] = comment
    lines = [f"# {title} ({jurabk})", ""]
    if comment:
        lines += [comment, ""]
    level = 1
    for norm in norms[1:]:
        level, block = _norm(norm, level)
        lines += block
    header = yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False)
    return f"---\n{header}---\n\n" + "\n".join(lines).strip() + "\n", front_matter


def _stand(meta: Any, builddate: str) -> tuple[str | None, date | None]:
    by_type: dict[str, str] = {}
    for angabe in meta.findall("standangabe"):
        kind, comment = _text(angabe.find("standtyp")), _text(angabe.find("standkommentar"))
        if comment:
            by_type.setdefault(kind, comment)
    for wanted in _STAND_TYPES:
        found = by_type.get(wanted, "")
        match = _CHANGED_ON.search(found)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return found, date(year, month, day)
    if re.fullmatch(r"\d{8}.*", builddate):
        return None, date(int(builddate[:4]), int(builddate[4:6]), int(builddate[6:8]))
    return None, None


def _norm(norm: Any, level: int) -> tuple[int, list[str]]:
    """One <norm>: an outline heading, or a § with its Absätze. Returns the outline level in force."""
    meta = norm.find("metadaten")
    if meta is None:
        return level, []
    unit = meta.find("gliederungseinheit")
    if unit is not None:
        number = _text(unit.find("gliederungskennzahl"))
        level = len(number) // 3 + 1 if number else level
        name = " - ".join(
            t for t in (_text(unit.find("gliederungsbez")), _text(unit.find("gliederungstitel"))) if t
        )
        return level, ["", "#" * min(level, 6) + " " + name, ""] if name else []
    enbez = _text(meta.find("enbez"))
    if not enbez or enbez in ("Inhaltsübersicht", "Inhaltsverzeichnis"):
        return level, []
    heading = " ".join(t for t in (enbez, _text(meta.find("titel"))) if t)
    block = ["", "#" * min(level + 1, 6) + " " + heading, ""]
    content = norm.find("textdaten/text/Content")
    for paragraph in content.findall("P") if content is not None else []:
        block += _paragraph(paragraph)
    return level, block


def _paragraph(element: Any) -> list[str]:
    """A <P> Absatz: its running text, then its numbered list items and tables as paragraphs."""
    out: list[str] = []
    text: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "DL":
            out.append(_joined(text))
            text = []
            out += _list(child)
        elif child.tag == "table":
            out.append(_joined(text))
            text = []
            out.append(_table(child))
        elif child.tag == "BR":
            text.append(" ")
        elif child.tag not in _SKIPPED_TAGS:
            text.append(_inline(child))
        text.append(child.tail or "")
    out.append(_joined(text))
    return [line for p in out if p for line in (p, "")]


def _list(dl: Any) -> list[str]:
    items: list[str] = []
    label = ""
    for child in dl:
        if child.tag == "DT":
            label = _text(child)
        elif child.tag == "DD":
            parts: list[str] = []
            nested: list[str] = []
            for part in child:
                if part.tag == "LA":
                    for sub in part:
                        if sub.tag == "DL":
                            nested += _list(sub)
                    parts.append(_inline(part, skip={"DL"}))
                elif part.tag == "DL":
                    nested += _list(part)
            items.append(_joined([f"{label} ", *parts]))
            items += nested
    return items


def _table(table: Any) -> str:
    rows = [[_text(entry) for entry in row.iter("entry")] for row in table.iter("row")]
    return markdown_table(rows)


def _inline(element: Any, skip: set[str] | None = None) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _SKIPPED_TAGS and child.tag not in (skip or set()):
            parts.append(" " if child.tag == "BR" else _inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _joined(parts: list[str]) -> str:
    return " ".join("".join(parts).split())
