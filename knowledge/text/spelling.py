"""Umlauts and ß typed as ae/oe/ue/ss ("Kindeswohlgefaehrdung", "Massnahme"), respelled.

A word is respelled only when it is not a known word as typed and a respelling is one: "Steuer",
"neue" and "Prozess" stay as they are, "Gefaehrdung" becomes "Gefährdung" when the corpus writes it so.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

_WORD = re.compile(r"[^\W\d_]{4,}")
_DIGRAPH = re.compile(r"ae|oe|ue|ss", re.IGNORECASE)
_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü", "ss": "ß"}
_MAX_DIGRAPHS = 4  # 2^4 spellings at most per word


def spellings(word: str) -> list[str]:
    """Every respelling of a lower-case word, replacing any subset of its digraphs (none excluded)."""
    spots = [m.span() for m in _DIGRAPH.finditer(word)][:_MAX_DIGRAPHS]
    found: list[str] = []
    for choice in itertools.product((False, True), repeat=len(spots)):
        if not any(choice):
            continue
        parts, last = [], 0
        for (start, end), replace in zip(spots, choice, strict=True):
            parts.append(word[last:start])
            parts.append(_UMLAUT[word[start:end]] if replace else word[start:end])
            last = end
        parts.append(word[last:])
        found.append("".join(parts))
    return found


def respell(
    text: str, known: Callable[[str], bool], known_respelling: Callable[[str], bool] | None = None
) -> str:
    """`text` with each word that is not `known` (lower case) as typed, but has a respelling that is
    (`known_respelling`, by default `known`), replaced by that respelling."""
    accept = known_respelling or known

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if not _DIGRAPH.search(lower) or known(lower):
            return word
        for candidate in spellings(lower):
            if accept(candidate):
                return candidate[0].upper() + candidate[1:] if word[0].isupper() else candidate
        return word

    return _WORD.sub(fix, text)
