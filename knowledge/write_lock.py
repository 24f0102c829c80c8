"""One index write at a time across processes on this machine (the CLI and the web server share a data
directory). The kernel releases the lock when its holder dies, even by kill -9, so a write journal found
while holding the lock belongs to a write that can no longer finish."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class WriteLock:
    """An exclusive `flock` on a file, re-entrant within one thread (repair may call reindex)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._handle: IO[str] | None = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                handle = self._path.open("a")
                fcntl.flock(handle, fcntl.LOCK_EX)
                self._handle = handle
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._handle is not None:
                    fcntl.flock(self._handle, fcntl.LOCK_UN)
                    self._handle.close()
                    self._handle = None
