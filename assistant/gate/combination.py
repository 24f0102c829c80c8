"""Which candidates are case data in this question: context decides for ages, dates, classes, places.

- An age counts next to a name ("Lea Schulz, 9 Jahre"), never alone ("ein 9-jähriges Kind").
- A date counts as a birth date right after a name ("Kevin Schulz (03.04.2015)"); laws have dates too.
- A school class counts with a named (non-public) person; a place counts near a birth date.
- A public name (printed in the knowledge base) is no case data, unless other case data stands beside
  it: then every name in the question counts again.
"""

from __future__ import annotations

import regex

from .lexicon import Lexicon
from .model import DetectedEntity
from .public import PublicNames

# An age counts when it stands this close to a name, in the same sentence ("Kevin Schulz, 9 Jahre",
# "die 9-jährige Lea", "Frau Yilmaz hat einen Sohn, 9 Jahre alt").
AGE_NEAR_PERSON_CHARS = 40
PLACE_NEAR_BIRTH_CHARS = 60
_SENTENCE_BREAK = regex.compile(r"[.!?]\s+\p{Lu}|\n")
_DATE_AFTER_NAME = regex.compile(r"\s*[,(]?\s*\*?\s*")
_WORD_PAIR = regex.compile(
    r"(?<![\p{L}\d\-])([\p{L}][\p{L}'’]{2,})[ \t]+([\p{L}][\p{L}'’\-]{2,})(?![\p{L}\d\-])"
)
UNKNOWN_PAIR_SCORE = 0.42
_WORD_BEFORE = regex.compile(r"(?<![\p{L}\d])(\p{L}+)[ \-]$")


def unknown_word_pairs(text: str, lexicon: Lexicon, vocabulary: frozenset[str]) -> list[DetectedEntity]:
    """PERSON for two words in a row that neither German nor the knowledge base knows ("Beau Verkade",
    "glenn hellberg"): a name from a list the gate lacks, most likely; two typos in a row are rarer."""

    def unknown(word: str) -> bool:
        # A compound of German words still counts: surnames are often built so ("Hellberg").
        return not word.isupper() and not lexicon.is_listed_word(word) and word.lower() not in vocabulary

    found = []
    for match in _WORD_PAIR.finditer(text, overlapped=True):
        first, second = match.group(1), match.group(2).split("-")
        # Two German compounds in a row ("Kinderschutz Fachtag") are no name.
        german_second = all(lexicon.is_word(part) for part in second)
        compounds = lexicon.is_word(first) and german_second
        # Right after a town, an unknown word followed by a German word is the town's district or
        # office ("Jugendamt Hamburg Wandsbek Sprechzeiten", "Köln Porz Öffnungszeiten"). Two unknown
        # words after a town still count ("Hat das Jugendamt Hamm Beau Verkade informiert?").
        district = german_second and _after_town(text, match.start(1), lexicon)
        if unknown(first) and all(unknown(part) for part in second) and not compounds and not district:
            found.append(DetectedEntity("PERSON", match.start(1), match.end(2), UNKNOWN_PAIR_SCORE))
    return found


def _after_town(text: str, start: int, lexicon: Lexicon) -> bool:
    """The word at `start` follows a town of the gazetteer, separated by one space or hyphen."""
    before = _WORD_BEFORE.search(text, 0, start)
    return before is not None and before.group(1).lower() in lexicon.places


def resolve(
    candidates: list[DetectedEntity], text: str, public: PublicNames
) -> tuple[tuple[DetectedEntity, ...], tuple[DetectedEntity, ...]]:
    """(case data, public names) from non-overlapping candidates."""
    people = [e for e in candidates if e.type == "PERSON"]
    public_people = [e for e in people if public.covers_at(text, e.start, e.end)]
    private_people = [e for e in people if e not in public_people]
    kept: list[DetectedEntity] = []
    for entity in candidates:
        if entity.type == "DATE":
            if any(_DATE_AFTER_NAME.fullmatch(text, p.end, entity.start) for p in people):
                kept.append(DetectedEntity("DATE_OF_BIRTH", entity.start, entity.end, entity.score))
        elif entity.type == "AGE":
            if _near(entity, people, text, AGE_NEAR_PERSON_CHARS):
                kept.append(entity)
        elif entity.type == "SCHOOL_CLASS":
            if private_people:
                kept.append(entity)
        elif entity.type != "PLACE":
            kept.append(entity)
    births = [e for e in kept if e.type == "DATE_OF_BIRTH"]
    kept += [e for e in candidates if e.type == "PLACE" and _near(e, births, text, PLACE_NEAR_BIRTH_CHARS)]
    kept.sort(key=lambda e: e.start)
    if public_people and all(e in public_people for e in kept):
        return (), tuple(public_people)
    return tuple(kept), ()


def _near(entity: DetectedEntity, anchors: list[DetectedEntity], text: str, limit: int) -> bool:
    for anchor in anchors:
        before = anchor.end <= entity.start
        gap = text[anchor.end : entity.start] if before else text[entity.end : anchor.start]
        if len(gap) <= limit and not _SENTENCE_BREAK.search(gap):
            return True
    return False
