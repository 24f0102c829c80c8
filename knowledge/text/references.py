"""Explicit legal references in a query: "§ 8a", "§§ 67 ff. SGB X", "Paragraf 42a", "im JuSchG".

A query that names a paragraph or a law says where the answer is; search uses these references to
prefer the named passages over passages that merely share words with the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations as `Document.law` holds them (ingest.metadata.normalise_law), with the ways colleagues
# write them. Matched case-insensitively as whole words.
_LAW_NAMES: dict[str, str] = {
    "sgb viii": "SGB VIII",
    "sgb 8": "SGB VIII",
    "kjhg": "SGB VIII",
    "kinder- und jugendhilfegesetz": "SGB VIII",
    "sgb x": "SGB X",
    "sgb 10": "SGB X",
    "sgb i": "SGB I",
    "sgb 1": "SGB I",
    "kkg": "KKG",
    "juschg": "JuSchG",
    "jugendschutzgesetz": "JuSchG",
    "jugendschutzgesetzes": "JuSchG",
    "uvg": "UVG",
    "unterhaltsvorschussgesetz": "UVG",
    "unterhaltsvorschussgesetzes": "UVG",
    "beeg": "BEEG",
    "kiqutg": "KiQuTG",
    "gute-kita-gesetz": "KiQuTG",
    "jarbschg": "JArbSchG",
    "jugendarbeitsschutzgesetz": "JArbSchG",
    "jugendarbeitsschutzgesetzes": "JArbSchG",
}
_LAW = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(n) for n in sorted(_LAW_NAMES, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)
# "§ 8a", "§8a", "§§ 67, 68", "§§ 61–68", "Paragraf 42a", "Paragraph 42a", "Paragrafen 8a und 8b".
_PARAGRAPH_LIST = re.compile(
    r"(?:§§?|\bparagra(?:f|ph)(?:en|s)?\b)\s*"
    r"(\d+\s*[a-z]?\b(?:\s*(?:,|und|bis|–|-)\s*\d+\s*[a-z]?\b)*)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(\d+)\s*([a-z]?)\b", re.IGNORECASE)
_RANGE = re.compile(r"(\d+)\s*(?:bis|–|-)\s*(\d+)\b", re.IGNORECASE)
_MAX_RANGE = 20  # "§§ 61–68" expands; a typo like "§§ 1-999" does not flood the query


@dataclass(frozen=True)
class References:
    """>>> parse_references("Was regelt § 8a SGB 8?")
    References(paragraphs=('§ 8a',), laws=('SGB VIII',))
    """

    paragraphs: tuple[str, ...] = ()  # as `Chunk.paragraph` writes them: "§ 8a"
    laws: tuple[str, ...] = ()  # as `Document.law` writes them: "SGB VIII"

    def __bool__(self) -> bool:
        return bool(self.paragraphs or self.laws)


def parse_references(query: str) -> References:
    """The paragraphs and laws a query names explicitly."""
    paragraphs: list[str] = []
    for match in _PARAGRAPH_LIST.finditer(query):
        listed = match.group(1)
        for start, end in _RANGE.findall(listed):
            low, high = int(start), int(end)
            if 0 < high - low <= _MAX_RANGE:
                paragraphs.extend(f"§ {n}" for n in range(low, high + 1))
        paragraphs.extend(f"§ {number}{letter.lower()}" for number, letter in _NUMBER.findall(listed))
    laws = [_LAW_NAMES[m.group(1).lower()] for m in _LAW.finditer(query)]
    return References(tuple(dict.fromkeys(paragraphs)), tuple(dict.fromkeys(laws)))
