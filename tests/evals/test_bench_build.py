"""The build bench's own bookkeeping: the synthetic documents' time is measured apart."""

from __future__ import annotations

import time
from collections.abc import Iterator

from evals.bench_build import _Timed


def test_timed_source_yields_every_item_and_adds_up_its_time() -> None:
    def slow() -> Iterator[int]:
        for n in range(3):
            time.sleep(0.01)  # wall time without CPU time
            yield n

    timed = _Timed(slow())
    assert list(timed) == [0, 1, 2]
    assert timed.seconds >= 0.03
    assert timed.cpu_seconds < timed.seconds
