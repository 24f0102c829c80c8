"""General German synonyms from OpenThesaurus (Debian `mythes-de`, LGPL), read from `/usr/share/mythes/`.

The MyThes format: an index file of `word|byte offset` lines, and a data file where each entry is a
`word|n` line followed by n meaning lines `(part of speech)|synonym|synonym …`. Only the index is
held in memory (~114k words); an entry is read from the data file when a query asks for it.

OpenThesaurus mixes all senses of a word and marks broader, narrower, colloquial, dated and regional
terms; those are left out, so what remains are plain synonyms ("Meldung" → "Mitteilung").
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_PATH = Path("/usr/share/mythes/th_de_DE_v2.dat")
# Marks of terms that are not plain synonyms of the word looked up.
_SKIPPED_MARKS = re.compile(
    r"\((Oberbegriff|Unterbegriff|ugs\.|veraltet|derb|vulg\.|scherzh\.|österr\.|schweiz\.|"
    r"süddt\.|norddt\.|regional|engl\.|franz\.|lat\.|ital\.|Jargon|fig\.|abwertend|geh\.|"
    r"selten|fachspr\.|Antonym)",
)
_ANNOTATION = re.compile(r"\s*\([^)]*\)")
_WORD = re.compile(r"[^\W\d_]{3,}")


class OpenThesaurus:
    """Synonyms of a lower-case word, by seek into the data file.

    >>> thesaurus = OpenThesaurus.open()  # doctest: +SKIP
    >>> "mitteilung" in thesaurus.synonyms("meldung")  # doctest: +SKIP
    True
    """

    def __init__(self, data_file: Path, offsets: dict[str, int]) -> None:
        self.data_file = data_file
        self._offsets = offsets

    @classmethod
    def open(cls, data_file: Path = DEFAULT_PATH) -> OpenThesaurus | None:
        """The thesaurus at `data_file` (its index beside it), or None when it is not installed."""
        index_file = data_file.with_suffix(".idx")
        if not data_file.is_file() or not index_file.is_file():
            log.warning("OpenThesaurus nicht gefunden (%s); allgemeine Synonyme sind aus.", data_file)
            return None
        offsets: dict[str, int] = {}
        with index_file.open(encoding="utf-8") as lines:
            next(lines, None)  # encoding
            next(lines, None)  # entry count
            for line in lines:
                word, _, offset = line.rstrip("\n").rpartition("|")
                if word and offset.isdigit():
                    offsets[word] = int(offset)
        return cls(data_file, offsets)

    def __contains__(self, word: str) -> bool:
        return word in self._offsets

    def synonyms(self, word: str) -> list[str]:
        """Plain one-word synonyms of `word` (lower case, without the word itself), in file order."""
        offset = self._offsets.get(word)
        if offset is None:
            return []
        with self.data_file.open("rb") as data:  # its own handle: threads may look up at once
            data.seek(offset)
            head = data.readline().decode("utf-8").rstrip("\n")
            count = int(head.rpartition("|")[2] or 0)
            meanings = [data.readline().decode("utf-8").rstrip("\n") for _ in range(count)]
        found: list[str] = []
        for meaning in meanings:
            for term in meaning.split("|")[1:]:
                if _SKIPPED_MARKS.search(term):
                    continue
                plain = _ANNOTATION.sub("", term).strip().lower()
                if _WORD.fullmatch(plain) and plain != word and plain not in found:
                    found.append(plain)
        return found
