"""What the knowledge base makes known: its words, and the names it prints (officials, authors).

A question about what "Landrätin Astrid Klinkert-Kittel" said at a Fachtag names nobody's client. The
names come from the capitalised phrases `KnowledgeIndex.name_phrases()` keeps per indexed document, so
they change with the documents: remove the press release and the name is case data again. A full name
is public as written ("Astrid Klinkert-Kittel"); a surname alone ("Frau Klinkert-Kittel") only when a
public full name ends in it. First names alone never are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from .lexicon import Lexicon
from .name_lists import fold
from .names import COMMON_NOUNS, ROLE_WORDS

_CUE = regex.compile(r"^(?:(?:frau|herrn?|fr\.|hr\.|dr\.|prof\.|familie|fam\.)\s+)+", regex.IGNORECASE)
_WORD_BEFORE = regex.compile(r"(\p{Lu}[\p{L}\-]*)\s+$")
_WORD_AFTER = regex.compile(r"\s+(\p{Lu}[\p{L}\-]*)")


@dataclass(frozen=True)
class PublicNames:
    """>>> names = PublicNames(frozenset({"astrid klinkert-kittel"}), frozenset({"klinkert-kittel"}))
    >>> names.covers("Astrid Klinkert-Kittel"), names.covers("Klinkert-Kittel"), names.covers("Astrid")
    (True, True, False)
    """

    full: frozenset[str]
    surnames: frozenset[str]

    @classmethod
    def from_phrases(cls, phrases: Iterable[str], lexicon: Lexicon) -> PublicNames:
        """Full names in capitalised phrases: a known first name, or a word German does not know,
        followed by a capitalised word that is no role or common noun ("Karl Vorlage", "Nicolas Apitzsch")."""
        full: set[str] = set()
        for phrase in phrases:
            words = phrase.split()
            for i in range(len(words) - 1):
                first, rest = words[i], words[i + 1 :]
                if lexicon.is_first_name(rest[0]) and len(rest) > 1:
                    rest = rest[1:]  # "Anna Lena Traub": the middle name is no surname
                surname = rest[0]
                if surname in ROLE_WORDS or surname in COMMON_NOUNS:
                    continue
                parts = first.split("-")
                known_first = all(lexicon.is_first_name(p) for p in parts)
                unknown_pair = not any(lexicon.is_word(p) for p in parts) and not lexicon.is_word(surname)
                if known_first or unknown_pair:
                    full.add(fold(f"{first} {surname}"))
                    break
        return cls(frozenset(full), frozenset(name.rsplit(" ", 1)[-1] for name in full))

    @classmethod
    def none(cls) -> PublicNames:
        return cls(frozenset(), frozenset())

    def covers(self, name: str) -> bool:
        """True when `name` (a detected PERSON, perhaps with "Frau"/"Dr." before it) is public."""
        bare = fold(" ".join(_CUE.sub("", name.strip()).split()))
        if not bare:
            return False
        if " " in bare:
            return bare in self.full
        return bare in self.surnames

    def covers_at(self, text: str, start: int, end: int) -> bool:
        """Like `covers`, for a span of `text`; a one-word span also counts with the word beside it, as
        detection may have taken only "Karl" of "Karl Vorlage" or "Vorlage" of it."""
        span = text[start:end]
        if self.covers(span):
            return True
        if " " in span.strip():
            return False
        after = _WORD_AFTER.match(text, end)
        before = _WORD_BEFORE.search(text, 0, start)
        return bool(
            (after and fold(f"{span} {after.group(1)}") in self.full)
            or (before and fold(f"{before.group(1)} {span}") in self.full)
        )


@dataclass(frozen=True)
class KnownTerms:
    """The knowledge base's vocabulary (lower-cased words) and public names, for one index version."""

    vocabulary: frozenset[str] = field(default_factory=frozenset)
    public: PublicNames = field(default_factory=PublicNames.none)
