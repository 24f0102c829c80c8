"""The knowledge base's words and public names, as the gate and the storage filter need them.

`KnowledgeIndex` keeps the words and capitalised phrases of its documents (`vocabulary()`,
`name_phrases()`, cached per index version); this turns the phrases into `PublicNames` once per
version, so a question costs two set lookups, not a pass over the documents.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from .lexicon import Lexicon
from .public import KnownTerms, PublicNames


class TermSource(Protocol):
    def vocabulary(self) -> frozenset[str]: ...

    def name_phrases(self) -> frozenset[str]: ...


class IndexTerms:
    """>>> terms = IndexTerms(index, lambda: gate.lexicon)  # doctest: +SKIP
    >>> terms().public.covers("Astrid Klinkert-Kittel")  # doctest: +SKIP
    True
    """

    def __init__(self, source: TermSource, lexicon: Callable[[], Lexicon]) -> None:
        self.source = source
        self._lexicon = lexicon
        self._lock = threading.Lock()
        self._phrases: frozenset[str] | None = None
        self._public = PublicNames.none()

    def __call__(self) -> KnownTerms:
        return KnownTerms(self.source.vocabulary(), self.public_names())

    def public_names(self) -> PublicNames:
        phrases = self.source.name_phrases()
        if phrases is not self._phrases:  # the index caches its sets per version: same object, same names
            with self._lock:
                if phrases is not self._phrases:
                    self._public = PublicNames.from_phrases(phrases, self._lexicon())
                    self._phrases = phrases
        return self._public
