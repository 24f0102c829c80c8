"""Where a summary, workshop paper or press release speaks about "§ 4 Abs. 3 KKG": the law it names.

The law text is the source of truth; a summary of it is context. These references let an answer
quote the indexed law itself instead of the summary's paraphrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.text.references import parse_references

# "§ 4 KKG", "§ 4 Abs. 3 Satz 3 KKG", "§ 8a Absatz 1 Nr. 2 SGB VIII", "§ 10b SGB 8".
_REFERENCE = re.compile(
    r"(?<!§)§\s*(?P<paragraph>\d+[a-z]?)\b"
    r"(?:\s+(?:Abs\.|Absatz)\s*(?P<absatz>\d+[a-z]?)\b)?"
    r"(?:\s+(?:Satz|S\.)\s*\d+)?(?:\s+(?:Nr\.|Nummer)\s*\d+[a-z]?)?"
    r"(?P<tail>\s+[A-Za-zÄÖÜäöü][\w-]*(?:\s+(?:[IVX]+|\d+)\b)?)?"
)


@dataclass(frozen=True)
class LawReference:
    law: str  # as `Document.law` writes it: "SGB VIII"
    paragraph: str  # "§ 4"
    absatz: str | None = None  # "3" when the text names the Absatz


def law_references(text: str, default_law: str | None = None) -> list[LawReference]:
    """The single §§ `text` names with their law, in order of appearance. A § without a law takes the
    law named last before it, or `default_law`."""
    found: list[LawReference] = []
    law = default_law
    for match in _REFERENCE.finditer(text):
        tail = match.group("tail") or ""
        named = parse_references(tail).laws
        if named and tail.strip().split()[0].lower() not in {"des", "der", "im", "in"}:
            law = named[0]
        elif tail.strip().lower().startswith(("des ", "der ")):
            continue  # "§ 1567 des Bürgerlichen Gesetzbuchs": a law we do not index by that name
        if law:
            found.append(LawReference(law, f"§ {match.group('paragraph')}", match.group("absatz")))
    return list(dict.fromkeys(found))


def default_law(*texts: str) -> str | None:
    """The law a document is about, from its title or heading ("… nach § 37c SGB VIII")."""
    for text in texts:
        laws = parse_references(text).laws
        if laws:
            return laws[0]
    return None
