"""Recent search failures of one process, for `/api/health`: a search that raises makes it `degraded`."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

WINDOW_SECONDS = 60.0
_KEPT = 1000  # failures remembered at most (the window decides what counts)


class SearchHealth:
    """Counts failed searches in a sliding time window.

    >>> health = SearchHealth()
    >>> health.record_failure(ValueError("kaputt"))
    >>> health.check()["ok"]
    False
    """

    def __init__(self, window_seconds: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: deque[float] = deque(maxlen=_KEPT)
        self._last_error = ""

    def record_failure(self, error: BaseException) -> None:
        with self._lock:
            self._failures.append(self._clock())
            self._last_error = type(error).__name__

    def recent_failures(self) -> int:
        horizon = self._clock() - self.window_seconds
        with self._lock:
            while self._failures and self._failures[0] < horizon:
                self._failures.popleft()
            return len(self._failures)

    def check(self) -> dict[str, Any]:
        """`ok` is false while any search of the last `window_seconds` failed."""
        failures = self.recent_failures()
        check: dict[str, Any] = {
            "ok": failures == 0,
            "recent_failures": failures,
            "window_seconds": int(self.window_seconds),
        }
        if failures:
            check["last_error"] = self._last_error
        return check
