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


# An Absatz that states its rule by reference: "Für den Betrieb einer sonstigen Wohnform … gelten die
# §§ 45 bis 48 entsprechend.", "§ 24 ist entsprechend anzuwenden." Its first Satz is read.
_REFERRAL = re.compile(r"\b(gilt|gelten|ist|sind|findet|finden)\b[^.;]*\bentsprechend", re.IGNORECASE)
_FIRST_SATZ = re.compile(r"(?<=[.;])\s+(?=[A-ZÄÖÜ§])")
_ABSATZ_NUMBER = re.compile(r"^\(\d+[a-z]?\)\s*")
_SEGMENT = re.compile(r"§§?[^§]*")
# "§ 84 des Zehnten Buches", "§§ 53 und 55 der Zivilprozessordnung": another law, named in words.
_OTHER_LAW = re.compile(
    r"^§§?(?:\s|\d+[a-z]?\b|,|und|bis|oder|Absatz|Absätze|Abs\.|Satz|Sätze|Nummer|Nr\.)+(des|der)\s+[A-ZÄÖÜ]"
)
MAX_REFERRED = 4  # "gelten die §§ 28 bis 30, 33 bis 36 …": the first few are weighed


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


def referred_paragraphs(absatz_text: str, law: str) -> list[LawReference]:
    """The §§ of `law` whose rule an Absatz applies when its first Satz is a referral ("… gelten die
    §§ 45 bis 48 entsprechend"); empty for an Absatz that states its own rule. §§ of another law
    named in words ("§ 84 des Zehnten Buches") are left out."""
    body = _ABSATZ_NUMBER.sub("", absatz_text.strip())
    first = _FIRST_SATZ.split(body, maxsplit=1)[0]
    if not _REFERRAL.search(first):
        return []
    found: list[LawReference] = []
    for segment in _SEGMENT.findall(first):
        references = parse_references(segment)
        if references.laws and references.laws[0] != law:
            continue
        if not references.laws and _OTHER_LAW.search(segment):
            continue
        found.extend(LawReference(law, paragraph) for paragraph in references.paragraphs)
    return list(dict.fromkeys(found))[:MAX_REFERRED]
