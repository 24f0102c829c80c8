"""PERSON from the words themselves, in any letter case: known first names, names after a cue, initials.

"kevin schulz", "Anna-Lena Yılmaz", "frau kowalski", "Familie Bruder", "K. Schulz", "M. K., geboren
2009", "im Fall Becker". A word counts as a surname when it is on a surname list or is no German word
at all (`Lexicon.is_word`); a German word that is on no list ("Hilfe", "Schülerin") never does.
Capitalised context patterns (relatives, a name before an age) stay in `person.py`.

A word-by-word scan with set lookups instead of a regex: an alternation of 20,000 names takes the
`regex` module seconds to compile (Presidio compiles every pattern twice), a set lookup takes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from presidio_analyzer import EntityRecognizer, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from .lexicon import Lexicon
from .names import COMMON_NOUNS, NOUN_ENDINGS, ROLE_WORDS, word_set

_TOKEN = regex.compile(r"[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*")
_SENTENCE_START = regex.compile(r"(?:^|[.!?:;]\s+|\n\s*|[„\"(]\s*)$")
_SAINT_BEFORE = regex.compile(r"\b(?:St\.|Sankt|Heiligen?|Hl\.)\s+$")
_ABBREVIATION_AFTER = regex.compile(r"\.\s+[\p{Ll}\d]")  # "Max. fünf Kinder"
# What follows a pair of initials when they stand for a child: "M. K., geboren 2009", "A. B. (9 J.)".
_INITIALS_AFTER = regex.compile(
    r"\s*[,(]?\s*(?:geb\.|geboren|\*|\d{1,2}\s*(?:J\.|Jahre)|\d{1,2}\s?-?\s?jährig|(?:19|20)\d{2}\b|\d{1,2}\.\d)",
    regex.IGNORECASE,
)
_GAP = regex.compile(r"\s+")
_BIRTH_AFTER = regex.compile(r"\s*,?\s*(?:geb\.|geboren\b|\(?\*\s*\d)", regex.IGNORECASE)
_AGE_OR_BIRTH_AFTER = regex.compile(
    r"\s*[,(]\s*(?:geb\.|geboren|Geburtsdatum|\*|\d{1,2}\s*(?:J\.|Jahre)|\d{1,2}\s?-?\s?jährig|\d{1,2}\.\d)",
    regex.IGNORECASE,
)
_INITIAL_GAP = regex.compile(r"\.\s*")

ANREDE = word_set("frau herr herrn fr hr")
TITLES = word_set("dr prof")
FAMILY = word_set("familie fam eheleute pflegeeltern adoptiveltern geschwister")
FILE_JARGON = word_set(
    "KM KV KE"
)  # Kindesmutter, Kindesvater, Kindeseltern; upper case only ("km" = Kilometer)
CASE_WORDS = word_set("fall")
LABELS = word_set("name vorname nachname kind klient klientin kindesmutter kindesvater")
CHILD_WORDS = word_set(
    "kind kindes klient klientin mutter vater sohn tochter bruder schwester jugendliche jugendlicher "
    "jugendlichen schüler schülerin mädchen junge frau herr familie km kv"
)
PARTICLES = word_set("von van de del della di da dos zu ter ten al el bin ibn")
# "die Frau", "eine junge Frau": the noun, not a form of address.
_GENERIC = word_set(
    "die der den dem des eine einer einem einen eines jede jeder jedem keine keiner diese dieser diesem "
    "jene welche welcher manche"
)
_ADJECTIVE = regex.compile(r"\p{Ll}+(?:ende|ige|ene|ete|ere|ste|che|ale)[nrms]?")
_ROLES = frozenset(word.lower() for word in ROLE_WORDS)
_NOUNS = frozenset(word.lower() for word in COMMON_NOUNS)


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_initial(self) -> bool:
        return len(self.text) == 1 and self.text.isupper()


class NameTokenRecognizer(LocalRecognizer):
    """Names found word by word with the name lists and the German dictionary.

    >>> recognizer = NameTokenRecognizer(Lexicon.load())  # doctest: +SKIP
    >>> [r.start for r in recognizer.analyze("darf ich kevin schulz anrufen?", ["PERSON"])]  # doctest: +SKIP
    [9]
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        super().__init__(supported_entities=["PERSON"], supported_language="de", name="NameTokenRecognizer")

    def load(self) -> None:
        """Nothing to load; the lexicon arrives through the constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """One result per name; the span covers the name words, not the cue before them."""
        words = [_Word(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            found = self._name_at(text, words, i)
            if found is None:
                i += 1
                continue
            first, last, score = found
            end = words[last].end
            if words[last].is_initial and text[end : end + 1] == ".":
                end += 1  # "K." and "M. K." keep their dot inside the span
            results.append(self._result(words[first].start, end, score))
            i = last + 1
        return EntityRecognizer.remove_duplicates(results)

    # -- the patterns, tried in order at word i ---------------------------------------------------
    def _name_at(self, text: str, words: list[_Word], i: int) -> tuple[int, int, float] | None:
        word = words[i]
        if self._is_cue(text, words, i):
            start = i + 1
            while (
                start < len(words) and words[start].lower in TITLES and _joined(text, words, start - 1, True)
            ):
                start += 1
            end = self._surname_run(text, words, start, after_cue=True)
            return None if end is None else (start, end, 0.7)
        if word.is_initial and text[word.end : word.end + 1] == ".":
            return self._initials(text, words, i)
        if self._is_first_name(text, words, i):
            end = i
            if self._next_is(text, words, end, self._is_plain_first_name):
                end += 1  # "Anna Lena"
            surname_end = self._surname_run(text, words, end + 1)
            if surname_end is not None:
                return i, surname_end, 0.7
            if self._surname_before_age(text, words, end + 1):
                return i, end + 1, 0.7  # "Anastazja Grund, geb. 4.4.2021": a German word as surname
            if end + 1 < len(words) and words[end + 1].is_initial and _joined(text, words, end):
                return i, end + 1, 0.7  # "Luisa K."
            return i, end, 0.5 if word.text[0].isupper() else 0.45
        if self._is_unknown_surname(word):
            return i, i, 0.45
        if self._is_name_before_birth(word) and _BIRTH_AFTER.match(text, word.end):
            # "janina sadza geb. am …": the word before a birth date is a name, the one before it too.
            first = i - 1 if i > 0 and _joined(text, words, i - 1) and self._is_surname(words[i - 1]) else i
            return first, i, 0.6
        return None

    def _is_cue(self, text: str, words: list[_Word], i: int) -> bool:
        word = words[i]
        lower = word.lower
        if word.text in FILE_JARGON or lower in FAMILY or lower in TITLES:
            return True
        if lower in ANREDE:
            before = words[i - 1].lower if i > 0 else ""
            return not (before in _GENERIC or _ADJECTIVE.fullmatch(before))
        if lower in CASE_WORDS:
            return word.text[0].isupper() or (i > 0 and words[i - 1].lower in {"im", "fall"})
        return lower in LABELS and text[word.end : word.end + 1] == ":"

    def _surname_run(self, text: str, words: list[_Word], i: int, *, after_cue: bool = False) -> int | None:
        """The last word of a surname starting at word i ("von der Heyde", "Schulz-Meyer"), or None.

        After a cue the gap may hold the cue's dot ("Fr. Schulz", "Dr. Meier")."""
        if i >= len(words) or i == 0 or not _joined(text, words, i - 1, after_cue):
            return None
        j = i
        while j + 1 < len(words) and words[j].lower in PARTICLES and _joined(text, words, j):
            j += 1
        # After "van"/"von"/"de" any capitalised word is the name ("van Verdun").
        if not (self._is_surname(words[j]) or (j > i and words[j].text[0].isupper())):
            return None
        if words[i].lower == "von" and j + 1 < len(words) and words[j + 1].lower == "nach":
            return None  # "eine Familie von Kassel nach Göttingen": a move, not a name
        if j + 1 < len(words) and _joined(text, words, j) and self._is_second_name(words[j], words[j + 1]):
            return j + 1  # "Frau Zeynep Kaya", "im Fall Rudolf Kovács"
        return j

    def _is_second_name(self, first: _Word, second: _Word) -> bool:
        """A name after a name: listed, or unknown to German and written in the same case."""
        if self._is_surname(second, strict=True):
            return True
        return second.text[0].isupper() == first.text[0].isupper() and self._is_surname(second)

    def _is_surname(self, word: _Word, *, strict: bool = False) -> bool:
        """A name-list word, or (unless `strict`) a word German does not list.

        A compound of German words counts here ("Pfropfhuber", "Hellberg": surnames are often built
        so), unless it ends like an abstract noun ("Erziehungsberatung")."""
        text = word.text
        if len(text) < 2 or word.is_initial or word.lower in _ROLES or word.lower in _NOUNS:
            return False
        parts = text.split("-")
        if all(self.lexicon.is_name(part) for part in parts):
            return True
        if strict or any(c.isdigit() for c in text) or self.lexicon.is_listed_word(text):
            return False
        return not (self.lexicon.is_word(text) and word.lower.endswith(NOUN_ENDINGS))

    def _is_plain_first_name(self, word: _Word) -> bool:
        return self.lexicon.is_hyphenated_first_name(word.text)

    def _is_first_name(self, text: str, words: list[_Word], i: int) -> bool:
        word = words[i]
        if not self._is_plain_first_name(word):
            return False
        if _SAINT_BEFORE.search(text, 0, word.start) or _ABBREVIATION_AFTER.match(text, word.end):
            return False
        if not self.lexicon.is_lowercase_word(word.text):
            return True
        # "Franz", "Malte", "Rosa" are also German words: a name only capitalised inside a sentence.
        return word.text[0].isupper() and not _SENTENCE_START.search(text, 0, word.start)

    def _is_name_before_birth(self, word: _Word) -> bool:
        """Before "geb."/"geboren" a capitalised German word is a name too ("Saal, geb. …"), unless it
        is a noun that stands for people ("Kinder, geboren ab 2024")."""
        if self._is_surname(word):
            return True
        return (
            word.text[0].isupper()
            and word.lower not in _NOUNS
            and word.lower not in _ROLES
            and not (word.lower.endswith(NOUN_ENDINGS) or self.lexicon.is_lowercase_word(word.text))
        )

    def _surname_before_age(self, text: str, words: list[_Word], i: int) -> bool:
        if i >= len(words) or not _joined(text, words, i - 1) or not words[i].text[0].isupper():
            return False
        return words[i].lower not in _NOUNS and bool(_AGE_OR_BIRTH_AFTER.match(text, words[i].end))

    def _is_unknown_surname(self, word: _Word) -> bool:
        """A surname from the lists that is no German word ("yilmaz", "Kowalski"), even without a cue."""
        return (
            len(word.text) >= 4
            and self.lexicon.is_surname(word.text)
            and not self.lexicon.is_word(word.text)
            and not word.text.isupper()
        )

    def _initials(self, text: str, words: list[_Word], i: int) -> tuple[int, int, float] | None:
        """ "K. Schulz" and "M. K." before a birth date or age or after a word like "Kind"."""
        nxt = i + 1
        if nxt >= len(words) or not _INITIAL_GAP.fullmatch(text, words[i].end, words[nxt].start):
            return None
        if words[nxt].is_initial and text[words[nxt].end : words[nxt].end + 1] == ".":
            before = words[i - 1].lower if i > 0 else ""
            if before in CHILD_WORDS or _INITIALS_AFTER.match(text, words[nxt].end + 1):
                return i, nxt, 0.6
            return None
        if words[nxt].text[0].isupper() and self._is_surname(words[nxt]):
            return i, nxt, 0.6
        return None

    def _next_is(self, text: str, words: list[_Word], i: int, test: object) -> bool:
        return i + 1 < len(words) and _joined(text, words, i) and test(words[i + 1])  # type: ignore[operator]

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            "PERSON",
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "NameTokenRecognizer",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def _joined(text: str, words: list[_Word], i: int, dot: bool = False) -> bool:
    """Words i and i+1 stand next to each other: blanks between them, or a dot and blanks if `dot`."""
    if i < 0 or i + 1 >= len(words):
        return False
    gap = text[words[i].end : words[i + 1].start]
    if dot and gap.startswith("."):
        gap = gap[1:]
    return bool(_GAP.fullmatch(gap))
