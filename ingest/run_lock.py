"""One `sync` run at a time: a second one (a timer firing while the last run still works) stops at once.

Unlike the index's write lock (`knowledge/write_lock.py`), which waits for each single write, this lock
spans the whole run and does not wait. The kernel releases it when its holder dies, even by kill -9,
so a killed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another process holds the lock; the message names it."""


@contextmanager
def exclusive_run(path: Path, what: str = "Abgleich") -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            who = f" (Prozess {holder})" if holder.isdigit() else ""
            raise AlreadyRunning(
                f"Ein anderer {what} läuft bereits{who}; dieser Lauf endet ohne Änderungen. "
                "Bitte später erneut starten."
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
