"""Readers follow the index other processes write: `IndexWatch` notices a new catalog version on the
next read and brings this process's view up to date; `SharedExclusive` lets many searches share a
client that a reopen replaces exclusively.

The lexical side needs no help here: `LexicalIndex.current()` loads a newly published generation whole
and swaps it in with one assignment. The vector side does: Chroma's embedded client keeps its HNSW
graph in memory, so a search in this process would not find vectors another process added (its
`count()` does) until the client is reopened. The Chroma server's clients see every write at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class SharedExclusive:
    """A readers-writer lock: `shared()` for many at once, `exclusive()` for one with nobody shared."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            while self._writing:
                self._condition.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                self._condition.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._condition:
            while self._writing:
                self._condition.wait()
            self._writing = True  # new readers wait from here on
            while self._readers:
                self._condition.wait()
        try:
            yield
        finally:
            with self._condition:
                self._writing = False
                self._condition.notify_all()


class IndexWatch:
    """`check()` before every read: when the catalog version moved since this process last looked,
    `on_change` runs once (reopen the embedded vector client). `settle()` after this process's own
    write, still under the write lock: its own client already holds what it wrote."""

    def __init__(self, version: Callable[[], int], on_change: Callable[[], None]) -> None:
        self._version = version
        self._on_change = on_change
        self._lock = threading.Lock()
        self._seen = version()

    @property
    def seen(self) -> int:
        return self._seen

    def check(self) -> bool:
        """True when another process's write was picked up now. One small catalog read otherwise."""
        current = self._version()
        if current == self._seen:
            return False
        with self._lock:
            if current == self._seen:
                return False
            self._on_change()
            self._seen = current
        return True

    def settle(self) -> None:
        with self._lock:
            self._seen = self._version()
