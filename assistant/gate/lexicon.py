"""The words the gate and the storage filter know: the German dictionary and the name lists.

The dictionary is Debian's `wngerman` list (`/usr/share/dict/ngerman`, about 356,000 full forms). It is
read once per `Lexicon` (about 0.3 s). When it is missing the lexicon says so (`dictionary_available`)
and knows no German word at all: the storage filter then masks every word the knowledge base does not
vouch for, which is the safe direction (`python -m assistant doctor` reports it).

German writes compounds as one word ("Erziehungsberatungsstelle"), and a full-form list cannot hold
them all, so a word also counts when it splits into dictionary words, with the usual linking letters
("Erziehung|s|beratung") or after a verb stem ("Sprech|zeiten"). A word that is on a name list never
counts by splitting: "Hoffmann" is no "hoff" + "mann".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .name_lists import NameLists, fold

DEFAULT_DICTIONARY = Path("/usr/share/dict/ngerman")

_LINKS = ("s", "es", "n", "en", "e", "er", "ns")
_MIN_PART = 3
_MIN_COMPOUND = 7
_MAX_PARTS = 4
_MIN_VERB_STEM = 4  # "wohn", "sprech"; shorter stems ("geh", "seh") would split too much
_CACHE_LIMIT = 50_000
# Typed without umlauts: "Jugendaemter", "fuer", "Strasse".
_UMLAUT_SPELLINGS = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"))


@dataclass
class Lexicon:
    """>>> lexicon = Lexicon.load()  # doctest: +SKIP
    >>> lexicon.is_word("Erziehungsberatung"), lexicon.is_word("Kowalski")  # doctest: +SKIP
    (True, False)
    """

    path: Path
    dictionary_available: bool
    words: frozenset[str]  # every dictionary entry, lower-cased
    lowercase_words: frozenset[str]  # entries written in lower case: verbs, adjectives, function words
    names: NameLists
    # Towns (Faker's German, Austrian and Swiss lists, and the gazetteer of German towns and districts):
    # a place alone identifies nobody.
    places: frozenset[str] = frozenset()
    _known: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def load(cls, path: Path = DEFAULT_DICTIONARY, names: NameLists | None = None) -> Lexicon:
        try:
            entries = path.read_text(encoding="utf-8").split("\n")
        except OSError:
            return cls(path, False, frozenset(), frozenset(), names or NameLists.load())
        words = frozenset(entry.lower() for entry in entries if entry)
        lowercase = frozenset(entry for entry in entries if entry[:1].islower())
        return cls(path, True, words, lowercase, names or NameLists.load(german_words=words), _places())

    def is_word(self, word: str) -> bool:
        """True for a dictionary word, a compound of dictionary words, or one typed with ae/oe/ue/ss."""
        lower = word.lower()
        if lower in self._known:
            return True
        known = self._is_word(lower)
        # Only words found are remembered: a name typed into a question is no German word and so
        # never stays in this process's memory after the question.
        if known and len(self._known) < _CACHE_LIMIT:
            self._known.add(lower)
        return known

    def is_listed_word(self, word: str) -> bool:
        """True for a dictionary entry as listed (or typed with ae/oe/ue/ss), not for a compound."""
        lower = word.lower()
        return lower in self.words or any(v in self.words for v in _spelling_variants(lower))

    def is_lowercase_word(self, word: str) -> bool:
        """True when German writes `word` in lower case somewhere ("will", "nur", "lange")."""
        return word.lower() in self.lowercase_words

    def is_first_name(self, word: str) -> bool:
        return fold(word) in self.names.first

    def is_hyphenated_first_name(self, word: str) -> bool:
        """ "Anna-Lena", "Sonja-Hanne-Lore": listed first names, some perhaps also German words."""
        parts = [fold(part) for part in word.split("-")]
        names = self.names
        return any(p in names.first for p in parts) and all(
            p in names.first or p in names.ambiguous for p in parts
        )

    def is_surname(self, word: str) -> bool:
        return fold(word) in self.names.last

    def is_name(self, word: str) -> bool:
        folded = fold(word)
        return folded in self.names.first or folded in self.names.last

    # -- internals --------------------------------------------------------------------------------
    def _is_word(self, lower: str) -> bool:
        if len(lower) >= _MIN_COMPOUND and self.is_name(lower):
            return lower in self.words  # a name is a word only as written: "Hoffmann" is no "hoff|mann"
        for form in (lower, *_spelling_variants(lower)):
            if form in self.words or (len(form) >= _MIN_COMPOUND and self._splits(form, _MAX_PARTS)):
                return True
        return False

    def _splits(self, lower: str, parts: int) -> bool:
        """`lower` is a dictionary word or the head + (link) + a compound of at most `parts` parts."""
        if lower in self.words:
            return True
        if parts < 2:
            return False
        # The longest head first: "kinderschutz|fachkraft" before "kind|erschutz…".
        for cut in range(len(lower) - _MIN_PART, _MIN_PART - 1, -1):
            head, rest = lower[:cut], lower[cut:]
            if not self._is_head(head):
                continue
            if self._splits(rest, parts - 1):
                return True
        return False

    def _is_head(self, head: str) -> bool:
        if head in self.words:
            return True
        # A verb stem heads many compounds: "Sprech|zeiten", "Wohn|gruppe", "Schlaf|platz" ("sprechen").
        if len(head) >= _MIN_VERB_STEM and f"{head}en" in self.lowercase_words:
            return True
        return any(
            head.endswith(link) and len(head) - len(link) >= _MIN_PART and head[: -len(link)] in self.words
            for link in _LINKS
        )


def _places() -> frozenset[str]:
    import importlib

    from .gazetteer import read_places

    towns: set[str] = set(read_places())
    for locale in ("de_DE", "de_AT", "de_CH"):
        provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        for town in getattr(provider, "cities", ()):
            towns.update(part.lower() for part in town.replace("-", " ").split() if len(part) > 2)
    return frozenset(towns)


def dictionary_status(path: Path) -> dict[str, object]:
    """For `doctor`: is the word list there, and what the storage filter does without it."""
    available = path.is_file()
    return {
        "dictionary": str(path),
        "available": available,
        "effect": "Wörter, die weder im Wörterverzeichnis noch in der Wissensbasis stehen, werden als [?] "
        "gespeichert."
        if available
        else "FEHLT: Der Speicherfilter maskiert jedes Wort, das nicht in der Wissensbasis steht. "
        "Bitte das Debian-Paket wngerman installieren (make system-deps).",
    }


def _spelling_variants(lower: str) -> list[str]:
    variants = []
    replaced = lower
    for typed, umlaut in _UMLAUT_SPELLINGS:
        replaced = replaced.replace(typed, umlaut)
    if replaced != lower:
        variants.append(replaced)
    if "ss" in lower:
        variants += [v.replace("ss", "ß") for v in (lower, replaced)]
    return variants
