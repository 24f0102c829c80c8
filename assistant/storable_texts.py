"""The questions as the answer log stored them, so that the history need not screen them again.

The history keeps a person's own copy of her questions. It stores what may be stored: the gate's
findings typed, every unvouched word "[?]". For a question the assistant has just answered that is
what the answer log stored a moment before: the question as shown (gate and storage filter ran once)
passed through the storage filter a second time on its way into the log (`AnswerLog`: the filter is
not idempotent, a second pass may mask a word that lost its context, "[?] Holzwickede" -> "[?] [?]",
and so errs towards storing less). Screening and filtering the shown question anew in the history cost
~1.3 ms of CPU per answer; taking the log's stored form costs a dictionary lookup and stores the very
same text. A text that is no such question (a title, a rename, anything a caller built) is not found
here and goes through gate and filter as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.gate import StorageFilter
    from assistant.gate.storage_tokens import Filtered


class StorableTexts:
    """For the last `size` questions the assistant showed: the form the answer log stored (None until
    the log stored it)."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._logged: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def shown(self, text: str) -> None:
        """`text` is a question as the gate and the storage filter produced it and the assistant showed it."""
        with self._lock:
            self._logged[text] = self._logged.get(text)
            self._logged.move_to_end(text)
            while len(self._logged) > self._size:
                self._logged.popitem(last=False)

    def logged(self, text: str, stored: str) -> None:
        """The answer log stored `text` as `stored`; remembered only for a shown question."""
        with self._lock:
            if text in self._logged:
                self._logged[text] = stored

    def logged_form(self, text: str) -> str | None:
        """How the answer log stored the shown question `text`, or None (not shown, or not logged yet)."""
        with self._lock:
            return self._logged.get(text)


class LoggedFormFilter:
    """The storage filter the answer log applies, remembering what it made of each shown question."""

    def __init__(self, storage: StorageFilter, texts: StorableTexts) -> None:
        self._storage = storage
        self._texts = texts

    def clean(self, text: str) -> Filtered:
        filtered = self._storage.clean(text)
        self._texts.logged(text, filtered.text)
        return filtered
