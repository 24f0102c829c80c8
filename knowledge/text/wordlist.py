"""The German word list of Debian's `wngerman` (`/usr/share/dict/ngerman`, ~356k words).

It tells a typo from a word the corpus merely does not use: "Ferien" is no misspelt "freien", and a
"Kinovorstellung" is a Kino plus a known word. Held as sorted 64-bit hashes of the lower-cased words
(~3 MB instead of ~40 MB of strings); a false match needs a 64-bit collision.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_PATH = Path("/usr/share/dict/ngerman")


class GermanWordlist:
    """>>> "ferien" in GermanWordlist.load()  # doctest: +SKIP
    True
    """

    def __init__(self, hashes: np.ndarray) -> None:
        self._hashes = hashes

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> GermanWordlist:
        return _load(path)

    def __len__(self) -> int:
        return int(self._hashes.size)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not self._hashes.size:
            return False
        key = np.int64(hash(word.lower()))
        at = int(np.searchsorted(self._hashes, key))
        return at < self._hashes.size and self._hashes[at] == key

    def among(self, words: Iterable[str]) -> list[str]:
        """The given (lower-case) words that are in the list, in one vectorised lookup (thousands of
        typo candidates cost what a handful of single lookups do)."""
        listed = list(words)
        if not listed or not self._hashes.size:
            return []
        keys = np.fromiter(map(hash, listed), dtype=np.int64, count=len(listed))
        at = np.minimum(np.searchsorted(self._hashes, keys), self._hashes.size - 1)
        return [word for word, found in zip(listed, self._hashes[at] == keys, strict=True) if found]


@lru_cache(maxsize=4)
def _load(path: Path) -> GermanWordlist:
    """Read once per process; a missing list is empty (and said once in the log)."""
    try:
        words = path.read_text(encoding="utf-8").lower().split()  # one word per line, none with spaces
    except FileNotFoundError:
        log.warning(
            "Deutsches Wörterverzeichnis %s fehlt (Debian-Paket wngerman): keine Tippfehlerkorrektur.",
            path,
        )
        return GermanWordlist(np.zeros(0, dtype=np.int64))
    # Python's str hash is stable within a process, which is all an in-memory set needs; duplicates
    # do no harm to the binary search, so a sort is enough (~0.1 s for the 356k words).
    hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
    hashes.sort()
    return GermanWordlist(hashes)
