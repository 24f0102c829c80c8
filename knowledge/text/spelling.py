"""What colleagues type, respelled: umlauts and ß typed as ae/oe/ue/ss ("Kindeswohlgefaehrdung",
"Massnahme") and one-letter typos ("Anhaltsspunkte").

A word is changed only when it is not a known word as typed and the change makes it one: "Steuer",
"neue" and "Prozess" stay as they are, "Gefaehrdung" becomes "Gefährdung" when the corpus writes it so.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterable

_WORD = re.compile(r"[^\W\d_]{4,}")
_DIGRAPH = re.compile(r"ae|oe|ue|ss", re.IGNORECASE)
_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü", "ss": "ß"}
_MAX_DIGRAPHS = 4  # 2^4 spellings at most per word
_ALPHABET = "abcdefghijklmnopqrstuvwxyzäöüß"
_EDITED_SPELLINGS = 3
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
    (`known_respelling`, by default `known`), replaced by that respelling.

    A respelling `known` as written wins over one only `known_respelling` accepts, and umlauts over
    "ß" ("Geschaeftsstelle" is "Geschäftsstelle", not "Geschaeftßtelle", though both stem alike)."""
    accept = known_respelling or known

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if not _DIGRAPH.search(lower) or known(lower):
            return word
        ordered = _by_likelihood(spellings(lower))
        for test in (known, accept):
            for candidate in ordered:
                if test(candidate):
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


class TypoMemo:
    """What `correct_typos` decided per lower-cased word (the correction, or None: left as typed), for
    one fixed set of its other arguments: a lexical snapshot keeps one, since the snapshot fixes them.

    A word that is neither known nor a typo of a corpus word costs thousands of candidate strings
    (`one_edit` of it and of its respellings) and a word-list lookup of them: 0.3 ms and more at 100k
    chunks, a quarter of a search's CPU on the questions that have one. The same word comes back in
    the next texts of the same search (the respelled and the expanded query) and in later questions.
    At most `limit` words are kept, the oldest dropped first.
    """

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._decided: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def get(self, lower: str) -> tuple[bool, str | None]:
        """(whether `lower` was decided, its correction)."""
        try:
            return True, self._decided[lower]
        except KeyError:
            return False, None

    def put(self, lower: str, correction: str | None) -> None:
        with self._lock:
            while len(self._decided) >= self._limit:
                del self._decided[next(iter(self._decided))]  # the oldest: dicts keep insertion order
            self._decided[lower] = correction

    def __len__(self) -> int:
        return len(self._decided)


def correct_typos(
    text: str,
    known: Callable[[str], bool],
    vocabulary: frozenset[str],
    frequency: Callable[[str], float],
    skip: frozenset[str] = frozenset(),
    *,
    known_targets: Callable[[set[str]], Iterable[str]] | None = None,
    memo: TypoMemo | None = None,
) -> str:
    """`text` with each unknown word of at least `MIN_TYPO_WORD` letters replaced by the most
    `frequency` corpus word one edit away, if there is one (lower case in, case of the first letter kept).

    The edit may sit beside an umlaut typed as a digraph, on either side of respelling it
    ("Knideswohlgefaehrdung", "Tareger"). Without a corpus word that near, `known_targets` (when
    given: which of these strings may be a correction) may accept another word one edit away
    ("versrogen" -> "versorgen", a German word whose stem the corpus uses in "Versorgung").
    With `memo` (kept for these very arguments), each word is decided once.
    """

    def correction(lower: str) -> str | None:
        if lower in skip or known(lower):
            return None
        candidates = _near_words(lower, vocabulary)
        if not candidates and known_targets is not None:
            candidates = sorted(known_targets(one_edit(lower)))
        if not candidates:
            return None
        return max(candidates, key=lambda c: (frequency(c), c))

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if memo is None:
            best = correction(lower)
        else:
            decided, best = memo.get(lower)
            if not decided:
                best = correction(lower)
                memo.put(lower, best)
        if best is None:
            return word
        return best[0].upper() + best[1:] if word[0].isupper() else best

    return _LONG_WORD.sub(fix, text)


def _near_words(lower: str, vocabulary: frozenset[str]) -> list[str]:
    """The corpus words one edit away from `lower`, from one of its respellings, or respelled
    from a string one edit away (the typo broke or made the digraph: "Traeger" typed "Tareger")."""
    typed = one_edit(lower)
    respelled = typed.union(*(one_edit(s) for s in _likely_spellings(lower)))
    found = {c for c in respelled if c in vocabulary}
    if not found:
        # One spelling each (every ae/oe/ue an umlaut): thousands of strings, each fifteen at worst.
        found = {u for u in map(_umlauts, typed) if u in vocabulary}
    return sorted(found)


def _likely_spellings(lower: str) -> list[str]:
    """The respellings to try edits on: umlauts before "ß", at most `_EDITED_SPELLINGS` (a word
    with four digraphs has fifteen, each with thousands of strings one edit away)."""
    return _by_likelihood(spellings(lower))[:_EDITED_SPELLINGS]


def _umlauts(lower: str) -> str:
    return lower.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü")


def _by_likelihood(candidates: list[str]) -> list[str]:
    """Respellings with fewer "ß" first, then with more umlauts (shorter)."""
    return sorted(candidates, key=lambda s: (s.count("ß"), len(s)))
