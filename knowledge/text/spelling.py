"""What colleagues type, respelled: umlauts and ß typed as ae/oe/ue/ss ("Kindeswohlgefaehrdung",
"Massnahme") and one-letter typos ("Anhaltsspunkte").

A word is changed only when it is not a known word as typed and the change makes it one: "Steuer",
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
_ALPHABET = "abcdefghijklmnopqrstuvwxyzäöüß"
# Shorter words have too many neighbours one edit away ("Kind", "Rind", "Wind") to guess from.
MIN_TYPO_WORD = 6
_LONG_WORD = re.compile(rf"[^\W\d_]{{{MIN_TYPO_WORD},}}")


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


def one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away (Norvig 2007)."""
    splits = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    deletes = {head + tail[1:] for head, tail in splits if tail}
    swaps = {head + tail[1] + tail[0] + tail[2:] for head, tail in splits if len(tail) > 1}
    replaces = {head + c + tail[1:] for head, tail in splits if tail for c in _ALPHABET}
    inserts = {head + c + tail for head, tail in splits for c in _ALPHABET}
    return (deletes | swaps | replaces | inserts) - {word}


def correct_typos(
    text: str,
    known: Callable[[str], bool],
    vocabulary: frozenset[str],
    frequency: Callable[[str], float],
    skip: frozenset[str] = frozenset(),
) -> str:
    """`text` with each unknown word of at least `MIN_TYPO_WORD` letters replaced by the most
    `frequency` corpus word one edit away, if there is one (lower case in, case of the first letter kept)."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if lower in skip or known(lower):
            return word
        candidates = [c for c in one_edit(lower) if c in vocabulary]
        if not candidates:
            return word
        best = max(candidates, key=lambda c: (frequency(c), c))
        return best[0].upper() + best[1:] if word[0].isupper() else best

    return _LONG_WORD.sub(fix, text)
