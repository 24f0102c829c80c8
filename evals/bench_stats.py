"""Small statistics for the benchmark: percentiles, latency summaries, timed query loops."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks (numpy's default method).

    >>> percentile([1, 2, 3, 4], 50)
    2.5
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must lie in [0, 100], not {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(milliseconds: Sequence[float]) -> dict[str, float]:
    """p50, p95, mean and max of a list of latencies in milliseconds."""
    return {
        "n": len(milliseconds),
        "p50_ms": percentile(milliseconds, 50),
        "p95_ms": percentile(milliseconds, 95),
        "mean_ms": statistics.fmean(milliseconds),
        "max_ms": max(milliseconds),
    }


def measure(call: Callable[[str], Any], queries: Sequence[str], *, warmup: int) -> dict[str, float]:
    """Run the first `warmup` queries unmeasured, then time `call` on every query, one after another."""
    for query in queries[:warmup]:
        call(query)
    timings = []
    for query in queries:
        started = time.perf_counter()
        call(query)
        timings.append((time.perf_counter() - started) * 1000)
    return {**summarize(timings), "warmup": warmup}


def ratio(ours: float, theirs: float) -> float | None:
    """ours / theirs, or None when there is nothing to divide by."""
    return ours / theirs if theirs else None
