"""False premises a question states about the law, checked against what the index holds: an Absatz
the named § does not have ("§ 8a Abs. 9 SGB VIII": § 8a has six), and a § of a law no indexed text
holds or names ("§ 34 SGB XII", "§ 25a AufenthG"). Exact facts, so rules beside the fitted model of
`evidence` (like a § the law does not have): the nearest passage would answer another question.
"""

from __future__ import annotations

import re

from assistant.answering.terms import has_known_expansion
from knowledge.index import KnowledgeIndex
from knowledge.text.references import parse_references

_ABSATZ = re.compile(r"§\s*(\d+)\s*([a-z]?)\s*(?:Abs\.?|Absatz)\s*(\d+[a-z]?)\b")
# The Absatz named first: "Absatz 7 des § 44 SGB VIII", "Abs. 7 § 44".
_ABSATZ_FIRST = re.compile(
    r"\b(?:Abs\.?|Absatz)\s*(\d+[a-z]?)\s+(?:(?:des|von|aus|im|in)\s+)?§\s*(\d+)\s*([a-z]?)\b"
)
# A law named right after a § ("§ 171 StGB", "§ 34 SGB XII", "§ 25a AufenthG") or a book of the
# Sozialgesetzbuch anywhere ("im SGB II", "SGB-XII-Bezug"). Abbreviations have two capitals or more;
# "§ 8a Kinderschutz" names no law.
_LAW_AFTER_PARAGRAPH = re.compile(
    r"§§?\s*\d+\s*[a-z]?\b(?:\s*(?:Abs\.?|Absatz)\s*\d+[a-z]?\b)?(?:\s*(?:Satz|S\.)\s*\d+\b)?"
    r"(?:\s*(?:Nr\.|Nummer)\s*\d+\b)?\s+(SGB[\s-]+(?:[IVX]+|\d+)\b|[A-ZÄÖÜ][a-zäöüß]*[A-ZÄÖÜ][\wäöüß]*)"
)
_SOCIAL_CODE_BOOK = re.compile(r"\bSGB[\s-]+([IVX]+|\d+)\b")


def missing_absatz(index: KnowledgeIndex, question: str) -> str | None:
    """ "§ 8a Abs. 9 SGB VIII" when the question names an Absatz that the § has in no indexed version
    of the named law (of any law holding the § when it names none). A § without numbered Absätze is
    left alone: colleagues write "Abs. 1" for its one text too."""
    by_law = index.known_paragraphs()
    named = [law for law in parse_references(question).laws if law in by_law]
    named_absaetze = [(m.group(1), m.group(2), m.group(3)) for m in _ABSATZ.finditer(question)]
    named_absaetze += [(m.group(2), m.group(3), m.group(1)) for m in _ABSATZ_FIRST.finditer(question)]
    for number, letter, absatz_number in named_absaetze:
        paragraph, absatz = f"§ {number}{letter.lower()}", absatz_number.lower()
        laws = named or [law for law, paragraphs in by_law.items() if paragraph in paragraphs]
        held = [_absaetze(index, law, paragraph) for law in laws]
        if held and all(numbers and absatz not in numbers for numbers in held):
            return f"{paragraph} Abs. {absatz} {named[0]}" if named else f"{paragraph} Abs. {absatz}"
    return None


def _absaetze(index: KnowledgeIndex, law: str, paragraph: str) -> set[str]:
    """The Absatz numbers "§ n" of `law` has in its current and its older indexed versions."""
    numbers: set[str] = set()
    for current in (True, False):
        found = index.paragraph_chunks(law, paragraph, current=current)
        if found is not None:
            numbers.update(a for chunk in found[1] for a in chunk.absaetze)
    return numbers


def unindexed_law(index: KnowledgeIndex, question: str) -> str | None:
    """The first law the question cites a § of (or a book of the Sozialgesetzbuch it names) that is
    not indexed and that no indexed text names, when the question names no indexed law beside it:
    "Was regelt § 34 SGB XII?" over SGB VIII, X, I … A law the texts speak of ("SGB IX" in a summary
    of the inklusive Lösung) may still be answered from them."""
    by_law = index.known_paragraphs()
    if any(law in by_law for law in parse_references(question).laws):
        return None
    names = [m.group(1) for m in _LAW_AFTER_PARAGRAPH.finditer(question)]
    names += [m.group() for m in _SOCIAL_CODE_BOOK.finditer(question)]
    for name in dict.fromkeys(names):
        if not _spoken_of(index, name):
            return name
    return None


def _spoken_of(index: KnowledgeIndex, name: str) -> bool:
    """Whether an indexed text uses the law's name: its abbreviation, or the book's numeral ("XII"
    of "SGB XII"; a one-letter numeral such as "V" is no token, so the book counts as unnamed)."""
    book = _SOCIAL_CODE_BOOK.fullmatch(name)
    if book:
        numeral = book.group(1).lower()
        return numeral in index.query_tokens(numeral) and index.knows(numeral)
    tokens = index.query_tokens(name)
    return (bool(tokens) and all(index.knows(t) for t in tokens)) or has_known_expansion(index, name)
